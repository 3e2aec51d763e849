// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmod_canary: a deliberately broken module, loaded only in the kernel
 * suite's canary boot of the debug kernel, to prove that the suite sees
 * what the debug kernel's checkers report. Each load with trigger=<name>
 * commits one bug:
 *   kasan   a write past the end of a kmalloc()ed buffer
 *   ubsan   a shift past the width of int
 *   lockdep two mutexes taken in both orders (no deadlock: one thread)
 *   atomic  might_sleep() under a spinlock
 *   leak    8 kmalloc()ed buffers nobody frees (more than one: a stale
 *           copy of a pointer in a reused stack can hide one from kmemleak;
 *           printed, as in the kernel's samples/kmemleak, so that they exist)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *trigger = "";
module_param(trigger, charp, 0444);
MODULE_PARM_DESC(trigger, "kasan, ubsan, lockdep, atomic or leak");

/* Runtime values, so that the compiler cannot see the bugs coming. */
static int offset = 8;
module_param(offset, int, 0444);
static int shift = 40;
module_param(shift, int, 0444);

static DEFINE_MUTEX(canary_a);
static DEFINE_MUTEX(canary_b);
static DEFINE_SPINLOCK(canary_lock);

static int __init canary_init(void)
{
	if (!strcmp(trigger, "kasan")) {
		char *p = kmalloc(8, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		p[offset] = 1;
		kfree(p);
	} else if (!strcmp(trigger, "ubsan")) {
		volatile int one = 1;

		pr_info("shifted: %d\n", one << shift);
	} else if (!strcmp(trigger, "lockdep")) {
		mutex_lock(&canary_a);
		mutex_lock(&canary_b);
		mutex_unlock(&canary_b);
		mutex_unlock(&canary_a);
		mutex_lock(&canary_b);
		mutex_lock(&canary_a);
		mutex_unlock(&canary_a);
		mutex_unlock(&canary_b);
	} else if (!strcmp(trigger, "atomic")) {
		spin_lock(&canary_lock);
		might_sleep();
		spin_unlock(&canary_lock);
	} else if (!strcmp(trigger, "leak")) {
		int i;

		for (i = 0; i < 8; i++)
			pr_info("leaked %px\n", kmalloc(32, GFP_KERNEL));
	}
	pr_info("triggered %s\n", trigger);
	return 0;
}

static void __exit canary_exit(void)
{
}

module_init(canary_init);
module_exit(canary_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Deliberately broken module: proves the debug kernel's reports are seen");
MODULE_AUTHOR("generator-kmod kernel suite");
