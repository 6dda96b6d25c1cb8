// SPDX-License-Identifier: GPL-2.0 OR MIT
/* table.c: text tables whose columns are as wide as their widest cell. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

void table_init(struct table *t, size_t cols, const unsigned char *align)
{
	t->cols = cols;
	t->rows = 0;
	t->cell = NULL;
	t->align = align;
}

void table_add_row(struct table *t)
{
	char **cell = xcalloc((t->rows + 1) * t->cols, sizeof(*cell));

	if (t->rows)
		memcpy(cell, t->cell, t->rows * t->cols * sizeof(*cell));
	free(t->cell);
	t->cell = cell;
	t->rows++;
}

/* Sets a cell of the last row added. */
void table_set(struct table *t, size_t col, const char *fmt, ...)
{
	char **cell = &t->cell[(t->rows - 1) * t->cols + col];
	va_list ap;

	free(*cell);
	va_start(ap, fmt);
	if (vasprintf(cell, fmt, ap) < 0) {
		*cell = NULL;
		va_end(ap);
		p_err("out of memory");
		exit(SS_EXIT_PROBLEM);
	}
	va_end(ap);
}

static const char *table_cell(const struct table *t, size_t row, size_t col)
{
	const char *s = t->cell[row * t->cols + col];

	return s ? s : "";
}

static size_t table_width(const struct table *t, size_t col)
{
	size_t row, w = 0, n;

	for (row = 0; row < t->rows; row++) {
		n = strlen(table_cell(t, row, col));
		if (n > w)
			w = n;
	}
	return w;
}

/* Columns after the last non-empty cell of a row are not printed. */
static size_t table_row_end(const struct table *t, size_t row)
{
	size_t end = t->cols;

	while (end > 1 && !*table_cell(t, row, end - 1))
		end--;
	return end;
}

void table_print(const struct table *t)
{
	size_t row, col, end, *width = xcalloc(t->cols, sizeof(*width));

	for (col = 0; col < t->cols; col++)
		width[col] = table_width(t, col);
	for (row = 0; row < t->rows; row++) {
		end = table_row_end(t, row);
		for (col = 0; col < end; col++) {
			int w = (int)width[col];
			bool last = col + 1 == end;

			if (t->align[col] == TABLE_RIGHT)
				printf("%*s", w, table_cell(t, row, col));
			else if (last)	/* no trailing blanks */
				fputs(table_cell(t, row, col), stdout);
			else
				printf("%-*s", w, table_cell(t, row, col));
			fputs(last ? "\n" : "  ", stdout);
		}
	}
	free(width);
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->rows * t->cols; i++)
		free(t->cell[i]);
	free(t->cell);
	t->cell = NULL;
	t->rows = 0;
}
