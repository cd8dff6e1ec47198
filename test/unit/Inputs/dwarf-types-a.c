// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// DwarfTypesTest's program, first unit: QEMU-like layouts (typedefs,
// anonymous members, arrays, qualifiers, a bit-field) whose offsets the test
// checks against offsetof, printed by the program itself.
#include <stddef.h>
#include <stdio.h>

typedef struct Seg {
  unsigned selector;
  unsigned long base;
  unsigned limit, flags;
} Seg;

typedef union Vec {
  unsigned char b[64];
  unsigned long q[8];
} Vec;

struct Inner {
  int a;
  struct {
    int anon_x;
    union {
      long anon_y;
      char anon_c;
    };
  };
};

typedef struct Env {
  unsigned long regs[16];
  Seg segs[6];
  Vec xmm[2];
  struct Inner in;
  const volatile int cv;
  unsigned bits : 3;
  int grid[2][3];
  void *ptr;
} Env;

typedef struct Cpu Cpu;
struct Cpu {
  char parent[40];
  Env env;
};

Cpu *cpu_a;

/// Prints "PATH OFFSET SIZE" for the test to compare.
int layout_a(void) {
  printf("Cpu %zu\n", sizeof(Cpu));
  printf("env.regs[15] %zu %zu\n", offsetof(Cpu, env.regs[15]),
         sizeof(cpu_a->env.regs[15]));
  printf("env.segs[2].base %zu %zu\n", offsetof(Cpu, env.segs[2].base),
         sizeof(cpu_a->env.segs[2].base));
  printf("env.segs[5].flags %zu %zu\n", offsetof(Cpu, env.segs[5].flags),
         sizeof(cpu_a->env.segs[5].flags));
  printf("env.xmm[1].q[3] %zu %zu\n", offsetof(Cpu, env.xmm[1].q[3]),
         sizeof(cpu_a->env.xmm[1].q[3]));
  printf("env.in.anon_x %zu %zu\n", offsetof(Cpu, env.in.anon_x),
         sizeof(cpu_a->env.in.anon_x));
  printf("env.in.anon_c %zu %zu\n", offsetof(Cpu, env.in.anon_c),
         sizeof(cpu_a->env.in.anon_c));
  printf("env.cv %zu %zu\n", offsetof(Cpu, env.cv), sizeof(cpu_a->env.cv));
  printf("env.ptr %zu %zu\n", offsetof(Cpu, env.ptr), sizeof(cpu_a->env.ptr));
  printf("env.xmm %zu %zu\n", offsetof(Cpu, env.xmm), sizeof(cpu_a->env.xmm));
  printf("env.grid[1][2] %zu %zu\n", offsetof(Cpu, env.grid[1][2]),
         sizeof(cpu_a->env.grid[1][2]));
  return 0;
}
