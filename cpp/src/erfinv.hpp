// torch.erfinv on float32 as torch 1.13's AVX2 build computes it (erfinv.cpp). Internal to
// init.cpp (trunc_normal_).
#pragma once

namespace actlab {
namespace detail {

float torch_erfinv(float y);

}  // namespace detail
}  // namespace actlab
