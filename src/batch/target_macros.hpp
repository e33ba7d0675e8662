#pragma once

// The attributes the loops compiled once per instruction set (kernel_impl.hpp, across_impl.hpp) are written with.
// Included only by those files, in the translation units of targets/.

#if defined(__GNUC__) || defined(__clang__)
#define HEADROOM_RESTRICT __restrict__
// Everything a kernel calls is inlined into it, so that no inline function of a shared header (limit.hpp,
// the standard library) is emitted out of line in this target's instruction set, where the linker could pick it
// for another target's caller.
#define HEADROOM_FLATTEN [[gnu::flatten]]
#define HEADROOM_INLINE [[gnu::always_inline]] inline
// A pass is a function of its own (everything it calls inlined into it): the compilers take far longer over one
// function holding every pass.
#define HEADROOM_PASS [[gnu::noinline, gnu::flatten]]
#define HEADROOM_UNROLL _Pragma("GCC unroll 8")
#else
#define HEADROOM_PASS
#define HEADROOM_UNROLL
#define HEADROOM_RESTRICT
#define HEADROOM_FLATTEN
#define HEADROOM_INLINE inline
#endif
