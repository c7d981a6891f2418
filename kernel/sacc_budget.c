// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - capacity budgets: how much of a parent the instances hold.
 *
 * Lock-free: the only shared state is one atomic counter. Taking units is a
 * compare-and-exchange loop, so two concurrent creates can never both take the last
 * units, and available_instances never goes negative.
 */
#include <kunit/visibility.h>

#include "sacc.h"

/**
 * sacc_budget_init() - start a budget with every unit free
 * @budget: the budget
 * @total: number of units
 */
void sacc_budget_init(struct sacc_budget *budget, unsigned int total)
{
	budget->total = total;
	atomic_set(&budget->free, total);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_budget_init);

/**
 * sacc_budget_take() - take @units from @budget, all or nothing
 * @budget: the budget
 * @units: units to take; 0 always succeeds
 *
 * Return: 0, or -ENOSPC (budget unchanged) when fewer than @units are free.
 */
int sacc_budget_take(struct sacc_budget *budget, unsigned int units)
{
	int free = atomic_read(&budget->free);

	do {
		if (free < 0 || (unsigned int)free < units)
			return -ENOSPC;
	} while (!atomic_try_cmpxchg(&budget->free, &free, free - units));

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_budget_take);

/**
 * sacc_budget_give() - return units taken with sacc_budget_take()
 * @budget: the budget
 * @units: exactly what was taken
 */
void sacc_budget_give(struct sacc_budget *budget, unsigned int units)
{
	int free = atomic_add_return(units, &budget->free);

	/* A driver bug, not guest input: more given back than was ever taken. */
	WARN_ON_ONCE((unsigned int)free > budget->total);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_budget_give);

/**
 * sacc_budget_available() - how many more takes of @units would succeed now
 * @budget: the budget
 * @units: units per take; must not be 0
 *
 * Return: free units divided by @units, rounded down.
 */
unsigned int sacc_budget_available(const struct sacc_budget *budget,
				   unsigned int units)
{
	int free = atomic_read(&budget->free);

	if (free <= 0 || !units)
		return 0;
	return (unsigned int)free / units;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_budget_available);
