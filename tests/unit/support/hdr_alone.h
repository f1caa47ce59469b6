/* SPDX-License-Identifier: MIT */
/* The header tests' compile step: a header with nothing before it. */
#ifndef PTO_TEST_HDR_ALONE_H
#define PTO_TEST_HDR_ALONE_H

/*
 * Compiles a source file holding only #include "header" and a
 * declaration with the command cmd (the compiler and its flags, the file
 * name is appended). Returns the compiler's exit status (0: it compiled),
 * -1 when it could not run; says on stderr which header failed and how.
 */
int hdr_compile_alone(const char *header, const char *cmd);

#endif /* PTO_TEST_HDR_ALONE_H */
