// `actlab-dump`                       prints the function table as JSON (what lab.functions parses);
// `actlab-dump kinks <Name> <p1> ...` prints that function's kink positions for those params;
// `actlab-dump check <Name> <p1> ...` prints the table's error for those params of an element-wise
// function, an empty line when they are valid.
// scripts/gen-reference.py iterates over the table through this tool.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "actlab/registry.hpp"

int main(int argc, char** argv) {
  const std::string mode = argc >= 3 ? argv[1] : "";
  if (mode == "kinks" || mode == "check") {
    const actlab::Fn* f = actlab::find_fn(argv[2]);
    if (!f) { std::fprintf(stderr, "unknown function %s\n", argv[2]); return 2; }
    std::vector<double> p;
    for (int i = 3; i < argc; ++i) p.push_back(std::strtod(argv[i], nullptr));
    for (size_t i = p.size(); i < f->params.size(); ++i) p.push_back(f->params[i].def);
    if (mode == "check") {
      float x = 0, y = 0, w = 0;
      for (size_t i = 0; i < f->params.size(); ++i)
        if (f->params[i].kind == actlab::PKind::Weight) w = float(p[i]);
      std::puts(actlab::run(*f, false, &x, nullptr, 0, &y, 1, nullptr, -1, p.data(), &w, 1).c_str());
      return 0;
    }
    std::vector<double> k = actlab::kinks_of(*f, p.data());
    std::printf("[");
    for (size_t i = 0; i < k.size(); ++i) std::printf("%s%.9g", i ? "," : "", k[i]);
    std::printf("]\n");
    return 0;
  }
  std::puts(actlab::functions_json().c_str());
  return 0;
}
