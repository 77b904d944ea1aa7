#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "fixtures.hpp"

std::string g_fixture_dir = "tests/fixtures";

int main(int argc, char* argv[]) {
  Catch::Session session;
  using namespace Catch::clara;
  auto cli = session.cli() | Opt(g_fixture_dir, "dir")["--fixtures"]("folder with the PyTorch fixtures");
  session.cli(cli);
  if (int rc = session.applyCommandLine(argc, argv)) return rc;
  return session.run();
}
