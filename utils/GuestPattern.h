// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
/* GuestPattern.h - the self-describing guest memory of the test program.
 *
 * test/Inputs/qemu-shaped.c fills every 4 KiB guest page with this pattern;
 * `vmcore-tool check-pattern` recomputes it for every page of a vmcore, so a
 * page written at the wrong guest-physical address (a merge or alias bug) is
 * caught by its label. C and C++. */
#ifndef QEMUDUMP_GUESTPATTERN_H
#define QEMUDUMP_GUESTPATTERN_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define GUEST_PATTERN_PAGE 4096u

/* Fills the page at guest-physical address PADDR (page aligned). */
static inline void guest_pattern_fill(uint8_t *page, uint64_t paddr) {
  unsigned i;
  for (i = 0; i < GUEST_PATTERN_PAGE; ++i)
    page[i] = (uint8_t)((paddr >> 12) * 7u + i * 13u);
  snprintf((char *)page, 32, "QEMUDUMP PAGE %016llx\n",
           (unsigned long long)paddr);
}

#endif
