// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmod_fault_canary: an error path with a missing unwind step, loaded only
 * in the kernel suite's canary boot of the debug kernel with make vmtest
 * VMTEST_FAULTS=1, to prove that fault injection catches it. Its init
 * allocates A, then B, then registers a misc device: when B's allocation
 * fails it returns without freeing A (the bug); when misc_register() fails
 * it frees both (correct). Loaded normally it works and unloads cleanly:
 * only an injected failure of B's allocation leaks A (kmemleak's scan).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>

static void *a, *b;
static const struct file_operations canary_fops = { .owner = THIS_MODULE };
static struct miscdevice canary_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kmod_fault_canary",
	.fops = &canary_fops,
};

static int __init canary_init(void)
{
	int ret;

	a = kzalloc(128, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	b = kzalloc(256, GFP_KERNEL);
	if (!b)
		return -ENOMEM; /* the bug: A is not freed */
	ret = misc_register(&canary_misc);
	if (ret) {
		kfree(b);
		kfree(a);
		return ret;
	}
	return 0;
}

static void __exit canary_exit(void)
{
	misc_deregister(&canary_misc);
	kfree(b);
	kfree(a);
}

module_init(canary_init);
module_exit(canary_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("fault-injection canary: an error path with a missing unwind step");
