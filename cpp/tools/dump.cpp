// `actlab-dump`                       prints the function table as JSON (what lab.functions parses);
// `actlab-dump kinks <Name> <p1> ...` prints that function's kink positions for those params.
// scripts/gen-reference.py iterates over the table through this tool.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "actlab/registry.hpp"

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "kinks") {
    const actlab::Fn* f = actlab::find_fn(argv[2]);
    if (!f) { std::fprintf(stderr, "unknown function %s\n", argv[2]); return 2; }
    std::vector<double> p;
    for (int i = 3; i < argc; ++i) p.push_back(std::strtod(argv[i], nullptr));
    for (size_t i = p.size(); i < f->params.size(); ++i) p.push_back(f->params[i].def);
    std::vector<double> k = actlab::kinks_of(*f, p.data());
    std::printf("[");
    for (size_t i = 0; i < k.size(); ++i) std::printf("%s%.9g", i ? "," : "", k[i]);
    std::printf("]\n");
    return 0;
  }
  std::puts(actlab::functions_json().c_str());
  return 0;
}
