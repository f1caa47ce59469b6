// SPDX-License-Identifier: MIT
/* Tensors: device buffer objects, host <-> device copies, element types. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "log.h"

PTO_API int pto_tensor_alloc(pto_device *dev, size_t bytes, pto_tensor **out)
{
	pto_tensor *t;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev)
		return -EINVAL;
	if (!bytes) {
		pto_err("pto: tensor_alloc: size 0\n");
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	err = dev->ops->bo_alloc(dev->priv, bytes, &t->bo);
	if (err) {
		free(t);
		return err;
	}
	t->dev = dev;
	t->base = t->bo.map;
	t->dev_addr = t->bo.dev_addr;
	t->size = bytes;
	*out = t;
	return 0;
}

/* Tensors from pto_orch_alloc belong to their run; freeing one is a no-op. */
PTO_API void pto_tensor_free(pto_tensor *t)
{
	if (!t || t->heap)
		return;
	t->dev->ops->bo_free(t->dev->priv, &t->bo);
	free(t);
}

PTO_API size_t pto_tensor_size(const pto_tensor *t)
{
	return t ? t->size : 0;
}

static int range_ok(const pto_tensor *t, size_t off, size_t n)
{
	if (!t)
		return -EINVAL;
	if (off > t->size || n > t->size - off) {
		pto_err("pto: tensor copy of %zu bytes at offset %zu: "
			"the tensor has %zu\n", n, off, t->size);
		return -ERANGE;
	}
	return 0;
}

PTO_API int pto_tensor_write(pto_tensor *t, size_t off, const void *src,
			     size_t n)
{
	int err = range_ok(t, off, n);

	if (err)
		return err;
	if (n && !src)
		return -EINVAL;
	memcpy(t->base + off, src, n);
	return 0;
}

PTO_API int pto_tensor_read(const pto_tensor *t, size_t off, void *dst,
			    size_t n)
{
	int err = range_ok(t, off, n);

	if (err)
		return err;
	if (n && !dst)
		return -EINVAL;
	memcpy(dst, t->base + off, n);
	return 0;
}

static const struct {
	const char *name;
	size_t size;
} dtypes[PTO_DTYPE_COUNT] = {
	[PTO_DTYPE_RAW] = { "raw", 1 },	[PTO_DTYPE_U8] = { "u8", 1 },
	[PTO_DTYPE_I8] = { "i8", 1 },	[PTO_DTYPE_U16] = { "u16", 2 },
	[PTO_DTYPE_I16] = { "i16", 2 },	[PTO_DTYPE_U32] = { "u32", 4 },
	[PTO_DTYPE_I32] = { "i32", 4 },	[PTO_DTYPE_U64] = { "u64", 8 },
	[PTO_DTYPE_I64] = { "i64", 8 },	[PTO_DTYPE_F16] = { "f16", 2 },
	[PTO_DTYPE_BF16] = { "bf16", 2 }, [PTO_DTYPE_F32] = { "f32", 4 },
	[PTO_DTYPE_F64] = { "f64", 8 },
};

PTO_API const char *pto_dtype_name(enum pto_dtype t)
{
	return (unsigned int)t < PTO_DTYPE_COUNT ? dtypes[t].name : NULL;
}

PTO_API size_t pto_dtype_size(enum pto_dtype t)
{
	return (unsigned int)t < PTO_DTYPE_COUNT ? dtypes[t].size : 0;
}
