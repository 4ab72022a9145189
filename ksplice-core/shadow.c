// SPDX-License-Identifier: GPL-2.0
/*
 * Shadow variables: data that an update attaches to an object the running
 * kernel already has, for a fix that needs a field its structure lacks
 * (include/ksplice-patch.h).
 *
 * A shadow variable is found by the object's address and an id that the
 * patch chooses (one per kind of field).  Lookups take no lock (RCU);
 * changes are serialised by a spinlock, and a freed variable is released
 * after a grace period.  The data is the patch's: it frees its variables
 * when their object goes away, or all of one id in a post_reverse hook;
 * what is left when the core is unloaded is freed then.
 */
#define pr_fmt(fmt) "ksplice: " fmt

#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "core.h"
#include "include/ksplice-patch.h"

struct ksplice_shadow {
	struct hlist_node node;
	struct rcu_head rcu;
	const void *obj;
	unsigned long id;
	u8 data[] __aligned(sizeof(u64));
};

static DEFINE_HASHTABLE(ksplice_shadows, 12);
static DEFINE_SPINLOCK(ksplice_shadow_lock);

static struct ksplice_shadow *ksplice_shadow_find(const void *obj,
						  unsigned long id)
{
	struct ksplice_shadow *s;

	hash_for_each_possible_rcu(ksplice_shadows, s, node,
				   (unsigned long)obj)
		if (s->obj == obj && s->id == id)
			return s;
	return NULL;
}

/**
 * ksplice_shadow_get() - the shadow variable of an object
 * @obj: the object
 * @id: which of its shadow variables
 *
 * Return: its data, or NULL if it has none.
 */
void *ksplice_shadow_get(const void *obj, unsigned long id)
{
	struct ksplice_shadow *s;

	rcu_read_lock();
	s = ksplice_shadow_find(obj, id);
	rcu_read_unlock();
	return s ? s->data : NULL;
}
EXPORT_SYMBOL_GPL(ksplice_shadow_get);

static void *ksplice_shadow_add(const void *obj, unsigned long id,
				size_t size, gfp_t gfp, bool existing_ok)
{
	struct ksplice_shadow *s, *found;
	unsigned long flags;

	s = KSPLICE_FALLIBLE(kzalloc(struct_size(s, data, size), gfp));
	if (!s)
		return NULL;
	s->obj = obj;
	s->id = id;
	spin_lock_irqsave(&ksplice_shadow_lock, flags);
	found = ksplice_shadow_find(obj, id);
	if (!found)
		hash_add_rcu(ksplice_shadows, &s->node, (unsigned long)obj);
	spin_unlock_irqrestore(&ksplice_shadow_lock, flags);
	if (!found)
		return s->data;
	kfree(s);
	return existing_ok ? found->data : NULL;
}

/**
 * ksplice_shadow_alloc() - give an object a new shadow variable
 * @obj: the object
 * @id: which of its shadow variables
 * @size: bytes of data, zeroed
 * @gfp: allocation flags (GFP_ATOMIC where the caller cannot sleep)
 *
 * Return: the data, or NULL when there is no memory or the object already
 * has a variable of that id.
 */
void *ksplice_shadow_alloc(const void *obj, unsigned long id, size_t size,
			   gfp_t gfp)
{
	return ksplice_shadow_add(obj, id, size, gfp, false);
}
EXPORT_SYMBOL_GPL(ksplice_shadow_alloc);

/**
 * ksplice_shadow_get_or_alloc() - an object's shadow variable, made if new
 * @obj: the object
 * @id: which of its shadow variables
 * @size: bytes of data of a new one, zeroed
 * @gfp: allocation flags
 *
 * Return: the data, or NULL when there is no memory.
 */
void *ksplice_shadow_get_or_alloc(const void *obj, unsigned long id,
				  size_t size, gfp_t gfp)
{
	void *data = ksplice_shadow_get(obj, id);

	return data ? data : ksplice_shadow_add(obj, id, size, gfp, true);
}
EXPORT_SYMBOL_GPL(ksplice_shadow_get_or_alloc);

/**
 * ksplice_shadow_free() - remove an object's shadow variable
 * @obj: the object
 * @id: which of its shadow variables
 *
 * Its data is freed after an RCU grace period; nothing if there is none.
 */
void ksplice_shadow_free(const void *obj, unsigned long id)
{
	struct ksplice_shadow *s;
	unsigned long flags;

	spin_lock_irqsave(&ksplice_shadow_lock, flags);
	s = ksplice_shadow_find(obj, id);
	if (s)
		hash_del_rcu(&s->node);
	spin_unlock_irqrestore(&ksplice_shadow_lock, flags);
	if (s)
		kfree_rcu(s, rcu);
}
EXPORT_SYMBOL_GPL(ksplice_shadow_free);

/**
 * ksplice_shadow_free_all() - remove every shadow variable of one id
 * @id: which shadow variables
 *
 * Return: how many there were.
 */
unsigned long ksplice_shadow_free_all(unsigned long id)
{
	struct ksplice_shadow *s;
	struct hlist_node *tmp;
	unsigned long flags, n = 0;
	int bkt;

	spin_lock_irqsave(&ksplice_shadow_lock, flags);
	hash_for_each_safe(ksplice_shadows, bkt, tmp, s, node) {
		if (s->id != id)
			continue;
		hash_del_rcu(&s->node);
		kfree_rcu(s, rcu);
		n++;
	}
	spin_unlock_irqrestore(&ksplice_shadow_lock, flags);
	return n;
}
EXPORT_SYMBOL_GPL(ksplice_shadow_free_all);

/* At core unload: free what the updates left (they are all gone). */
void ksplice_shadow_exit(void)
{
	struct ksplice_shadow *s;
	struct hlist_node *tmp;
	unsigned long n = 0;
	int bkt;

	hash_for_each_safe(ksplice_shadows, bkt, tmp, s, node) {
		hash_del(&s->node);
		kfree(s);
		n++;
	}
	if (n)
		pr_info("freed %lu shadow variables left by updates\n",
			n);
}
