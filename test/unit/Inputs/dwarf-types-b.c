// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// DwarfTypesTest's program, second unit: another `struct Cpu`, so that the
// test can tell which unit a lookup by code address read.
struct Cpu {
  int only;
};

struct Cpu *cpu_b;

int layout_a(void);

int layout_b(void) { return cpu_b ? cpu_b->only : 0; }

int main(void) { return layout_a() + layout_b(); }
