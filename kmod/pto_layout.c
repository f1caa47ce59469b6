// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The one region layout, shared verbatim with libpto. */
#include "../uapi/pto_layout.c"
