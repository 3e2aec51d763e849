// SPDX-License-Identifier: GPL-2.0-only
/* Canary for fault injection: init allocates A, then B, then registers a
 * misc device; when B's allocation fails it forgets to free A (the missing
 * unwind step), when misc_register() fails it frees both (correct). */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>

static void *a, *b;
static const struct file_operations canary_fops = { .owner = THIS_MODULE };
static struct miscdevice canary_misc = {
	.minor = MISC_DYNAMIC_MINOR, .name = "canary", .fops = &canary_fops,
};

static int __init canary_init(void)
{
	int ret;

	a = kzalloc(128, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	b = kzalloc(256, GFP_KERNEL);
	if (!b)
		return -ENOMEM;		/* BUG: a is leaked */
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
MODULE_DESCRIPTION("fault-injection canary: a missing unwind step");
