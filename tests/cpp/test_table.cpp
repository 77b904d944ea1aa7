// The table's consistency, which registry() and functions_json() rely on without checking at load.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "actlab/registry.hpp"

using namespace actlab;

TEST_CASE("the table says how torch builds each function and what dim=None means", "[table]") {
  for (const Fn& f : registry()) {
    INFO(f.name);
    // nn.<name>, the default constructor, exists only for torch.nn's modules.
    if (f.module != "torch.nn") CHECK((f.torch_ctor && f.torch_def));
    // Every {placeholder} of the constructor is {kwargs} or a param.
    const std::string ctor = f.torch_ctor ? f.torch_ctor : "";
    for (size_t b = ctor.find('{'); b != std::string::npos; b = ctor.find('{', b + 1)) {
      const std::string name = ctor.substr(b + 1, ctor.find('}', b) - b - 1);
      bool known = name == "kwargs";
      for (const Param& p : f.params) known = known || p.name == name;
      INFO("torch_ctor names {" << name << "}");
      CHECK(known);
    }
    for (const Param& p : f.params) {
      INFO(p.name);
      if (std::isnan(p.def)) CHECK((p.kind == PKind::Dim && p.implicit_dim));  // None needs the dim it means
      if (p.implicit_dim) CHECK(p.kind == PKind::Dim);
      CHECK((p.torch == PTorch::Mode) == (p.mode_code != nullptr));
      if (p.torch == PTorch::Mode) CHECK(p.kind == PKind::Bool);
    }
  }
}
