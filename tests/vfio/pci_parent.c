// SPDX-License-Identifier: GPL-2.0
/*
 * pci-parent: sacc's PCI driver (kernel/sacc_pci_parent.c), which makes every PCI
 * function bound to it an mdev parent: QEMU's edu function (1234:11e8), which it
 * claims, and any function handed to it with driver_override (here QEMU's
 * pci-testdev, 1b36:0005). tests/vm/run.sh gives the VM both; they are found by
 * their IDs, never by address.
 *
 *  - edu_is_a_parent_with_the_pci_capacity: bound to "sacc"; types sacc-1q/2q/4q
 *    with the budget of pci_queues, device_api vfio-pci; <bdf>/sacc/ equals the
 *    pci_* parameters; /sys/class/mdev_bus/<bdf> is the function; /sys/class/sacc
 *    holds the virtual parents only.
 *  - instance_on_the_pci_parent_opens_and_answers: create, open through the type1
 *    container, configuration-space IDs and BAR0 registers, close, remove.
 *  - driver_override_makes_any_function_a_parent: pci-testdev handed to sacc,
 *    a parent like edu; its unbind removes its types, instance and mdev_bus link.
 *  - unbind_removes_instances_then_rebind: edu unbound with instances defined
 *    (none open): they are removed; bound again, its budget is whole.
 *  - unbind_while_open_with_req / unbind_while_open_without_req: the unbind (in a
 *    child process: it blocks) asks the user through the REQ eventfd, again every
 *    10 s (vfio_unregister_group_dev()); without one the kernel says so and the
 *    unbind waits; either way it returns once the user closes the device.
 *  - rebind_loop_keeps_the_budget: PCI_REBIND_CYCLES (default 20) unbinds and binds
 *    of edu with an instance each cycle.
 *  - reload_without_virtual_parents: sacc.ko loaded with nr_parents=0: no virtual
 *    parent, edu still one; then loaded with its defaults again.
 *
 * Expects sacc.ko loaded with its defaults, edu bound to it with no instance, and
 * pci-testdev bound to nothing. Each test restores what it changed (bindings,
 * driver_override, instances, the module), also when it fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "sacc_test.h"
#include "sacc_harness.h"
#include "sacc_regs.h"

#define PARAMS		"/sys/module/sacc/parameters"
#define SACC_BIND	PCI_DRIVERS "/" SACC_PCI_DRIVER "/bind"
#define SACC_UNBIND	PCI_DRIVERS "/" SACC_PCI_DRIVER "/unbind"
#define MAX_CREATED	8
/* How long an unbind may take once nothing holds it up, and a REQ to come. */
#define WAIT_MS		10000

#define FIGURES(fmt, ...)	ksft_print_msg("pci-parent: " fmt "\n", ##__VA_ARGS__)

FIXTURE(pp) {
	char edu[MDEV_NAME_LEN];
	char testdev[MDEV_NAME_LEN];
	/* The module's parameters at setup: what every check compares with. */
	unsigned int nr_parents, pci_queues, pci_memory_mb, pci_engines;
	char created[MAX_CREATED][UUID_STR_LEN];
	int nr_created;
	struct vfio_handle h;
	int req;
	pid_t unbinder;
	struct pci_handoff testdev_ho;	/* pci-testdev handed to sacc */
	bool reloaded;
};

static unsigned int param(struct __test_metadata *_metadata, const char *name)
{
	char path[PATH_MAX];
	unsigned int val = 0;
	int ret;

	snprintf(path, sizeof(path), PARAMS "/%s", name);
	ret = sysfs_read_uint(path, &val);
	EXPECT_EQ(0, ret) TH_LOG("reading %s: %s", path, strerror(-ret));
	return val;
}

static bool bound_to_sacc(const char *bdf)
{
	return pci_bound_to(bdf, SACC_PCI_DRIVER);
}

/* The driver of @bdf for a message: its name, or "no driver". */
static const char *driver_of(const char *bdf, char *buf, size_t len)
{
	if (pci_driver_name(bdf, buf, len))
		snprintf(buf, len, "no driver");
	return buf;
}

static bool exists(const char *fmt, const char *bdf, const char *what)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), fmt, bdf, what);
	return !access(path, F_OK);
}

FIXTURE_SETUP(pp)
{
	char drv[64];
	unsigned int i;
	int ret;

	self->nr_created = 0;
	self->h.container = self->h.group = self->h.iommufd = self->h.device = -1;
	self->req = -1;
	self->unbinder = 0;
	memset(&self->testdev_ho, 0, sizeof(self->testdev_ho));
	self->reloaded = false;
	ASSERT_TRUE(sacc_module_loaded()) TH_LOG("sacc.ko is not loaded");
	ret = sacc_pci_parent(self->edu, sizeof(self->edu));
	ASSERT_EQ(0, ret) {
		TH_LOG("no edu function (%04x:%04x) in " PCI_DEVICES " (%s): tests/vm/run.sh "
		       "gives the VM -device edu", PCI_VENDOR_QEMU, PCI_DEVICE_EDU,
		       strerror(-ret));
	}
	ASSERT_TRUE(bound_to_sacc(self->edu)) {
		TH_LOG("edu %s is bound to %s, not " SACC_PCI_DRIVER, self->edu,
		       driver_of(self->edu, drv, sizeof(drv)));
	}
	if (pci_find_function(PCI_VENDOR_REDHAT, PCI_DEVICE_TESTDEV, self->testdev,
			      sizeof(self->testdev)))
		self->testdev[0] = '\0';
	self->nr_parents = param(_metadata, "nr_parents");
	self->pci_queues = param(_metadata, "pci_queues");
	self->pci_memory_mb = param(_metadata, "pci_memory_mb");
	self->pci_engines = param(_metadata, "pci_engines");
	if (!self->pci_engines) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		self->pci_engines = cpus > 16 ? 16 : cpus;	/* the module's default */
	}
	ASSERT_LT(0, self->pci_queues);
	/* An idle parent, or the counts are off. */
	for (i = 0; i < SACC_NR_TYPES; i++)
		ASSERT_EQ(self->pci_queues / sacc_types[i].queues,
			  mdev_available(self->edu, sacc_types[i].name)) {
			TH_LOG("edu %s %s: the suite starts with no instance on it", self->edu,
			       sacc_types[i].name);
		}
}

/* Undo what a test left: device, unbinder, instances, module, bindings. */
FIXTURE_TEARDOWN(pp)
{
	int i, ret;

	/* The close lets a blocked unbind finish. */
	vfio_close(&self->h);
	if (self->req >= 0)
		close(self->req);
	if (self->unbinder > 0 && !child_reap(self->unbinder, 3 * WAIT_MS, NULL)) {
		TH_LOG("the unbind of %s still blocks %d s after the close", self->edu,
		       3 * WAIT_MS / 1000);
		kill(self->unbinder, SIGKILL);
		child_reap(self->unbinder, 3 * WAIT_MS, NULL);
	}
	for (i = 0; i < self->nr_created; i++)
		if (mdev_exists(self->created[i]))
			mdev_remove(self->created[i]);
	if (self->reloaded && sacc_module_loaded()) {
		ret = sacc_module_unload();
		if (ret)
			TH_LOG("unloading sacc (loaded with other parameters): %s",
			       strerror(-ret));
	}
	if (!sacc_module_loaded()) {
		ret = sacc_module_load("");
		if (ret)
			TH_LOG("loading sacc with its defaults again: %s", strerror(-ret));
	}
	ret = pci_handoff_undo(&self->testdev_ho);
	if (ret)
		TH_LOG("giving pci-testdev %s back (unbind, driver_override cleared): %s",
		       self->testdev, strerror(-ret));
	if (!bound_to_sacc(self->edu)) {
		ret = sysfs_write(SACC_BIND, self->edu);
		if (ret)
			TH_LOG("binding edu %s to sacc again: %s", self->edu, strerror(-ret));
	}
}

/* Create an instance of @type on @parent with a fresh UUID, remembered for teardown. */
static int create(FIXTURE_DATA(pp) *self, const char *parent, const char *type,
		  char *uuid)
{
	int ret;

	uuid_new(uuid);
	ret = mdev_create(parent, type, uuid);
	if (!ret && self->nr_created < MAX_CREATED)
		strcpy(self->created[self->nr_created++], uuid);
	return ret;
}

/*
 * @bdf is a parent of sacc's PCI driver with @used of its queues taken: bound to
 * "sacc", exactly the three types under the function with their budget, the
 * mdev_bus link, the attributes of the pci_* parameters.
 */
static void expect_parent(struct __test_metadata *_metadata, FIXTURE_DATA(pp) *self,
			  const char *bdf, unsigned int used)
{
	static const char *const attrs[] = { "queues", "memory_mb", "engines" };
	const unsigned int want[] = {
		self->pci_queues, self->pci_memory_mb, self->pci_engines,
	};
	char path[PATH_MAX], buf[128], drv[64];
	unsigned int i, val;
	int ret;

	EXPECT_TRUE(bound_to_sacc(bdf)) TH_LOG("%s is bound to %s", bdf,
					       driver_of(bdf, drv, sizeof(drv)));
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/mdev_supported_types", bdf);
	EXPECT_EQ((int)SACC_NR_TYPES, dir_count(path)) TH_LOG("entries of %s", path);
	for (i = 0; i < SACC_NR_TYPES; i++) {
		EXPECT_TRUE(exists(PCI_DEVICES "/%s/mdev_supported_types/%s", bdf,
				   sacc_types[i].name)) {
			TH_LOG("%s has no type %s", bdf, sacc_types[i].name);
			continue;
		}
		EXPECT_EQ((int)((self->pci_queues - used) / sacc_types[i].queues),
			  mdev_available(bdf, sacc_types[i].name)) {
			TH_LOG("%s %s: available_instances with %u of %u queues used", bdf,
			       sacc_types[i].name, used, self->pci_queues);
		}
		ret = mdev_type_attr(bdf, sacc_types[i].name, "device_api", buf, sizeof(buf));
		EXPECT_EQ(0, ret) TH_LOG("%s %s device_api: %s", bdf, sacc_types[i].name,
					 strerror(-ret));
		EXPECT_STREQ("vfio-pci", buf);
	}
	for (i = 0; i < 3; i++) {
		ret = sacc_parent_attr_uint(bdf, attrs[i], &val);
		EXPECT_EQ(0, ret) TH_LOG("%s/%s/" SACC_PCI_DRIVER "/%s: %s", PCI_DEVICES,
					 bdf, attrs[i], strerror(-ret));
		EXPECT_EQ(want[i], val) TH_LOG("%s sacc/%s against the pci_ parameter",
					       bdf, attrs[i]);
	}
	EXPECT_TRUE(exists(MDEV_BUS_CLASS "/%s%s", bdf, ""))
		TH_LOG("no " MDEV_BUS_CLASS "/%s", bdf);
}

/* @bdf is no parent: no types, no attributes, no mdev_bus link, no driver. */
static void expect_not_parent(struct __test_metadata *_metadata, const char *bdf)
{
	char drv[64];

	EXPECT_FALSE(bound_to_sacc(bdf)) TH_LOG("%s is still bound to " SACC_PCI_DRIVER,
						bdf);
	EXPECT_FALSE(exists(PCI_DEVICES "/%s/%s", bdf, "mdev_supported_types"))
		TH_LOG("%s keeps its types unbound (%s)", bdf,
		       driver_of(bdf, drv, sizeof(drv)));
	EXPECT_FALSE(exists(PCI_DEVICES "/%s/%s", bdf, SACC_PCI_DRIVER))
		TH_LOG("%s keeps its sacc/ attributes unbound", bdf);
	EXPECT_FALSE(exists(MDEV_BUS_CLASS "/%s%s", bdf, ""))
		TH_LOG(MDEV_BUS_CLASS "/%s is still there", bdf);
}

/* Unbind or bind @bdf from/to sacc (ASSERT). */
static void unbind(struct __test_metadata *_metadata, const char *bdf)
{
	int ret = sysfs_write(SACC_UNBIND, bdf);

	ASSERT_EQ(0, ret) TH_LOG("unbinding %s from sacc: %s", bdf, strerror(-ret));
}

static void bind(struct __test_metadata *_metadata, const char *bdf)
{
	int ret = sysfs_write(SACC_BIND, bdf);

	ASSERT_EQ(0, ret) TH_LOG("binding %s to sacc: %s", bdf, strerror(-ret));
}

TEST_F(pp, edu_is_a_parent_with_the_pci_capacity)
{
	char path[PATH_MAX], names[16][MDEV_NAME_LEN];
	char fn[PATH_MAX], link[PATH_MAX], other[PATH_MAX];
	unsigned int i;
	int n;

	FIGURES("edu at %s, pci-testdev at %s", self->edu,
		self->testdev[0] ? self->testdev : "(none)");
	expect_parent(_metadata, self, self->edu, 0);
	for (i = 0; i < SACC_NR_TYPES; i++) {
		char buf[128], want[64];

		ASSERT_EQ(0, mdev_type_attr(self->edu, sacc_types[i].name, "description", buf,
					    sizeof(buf)));
		snprintf(want, sizeof(want), "queues=%u, memory=%uM, weight=%u",
			 sacc_types[i].queues, sacc_types[i].queues * 8, sacc_types[i].queues);
		if (self->pci_queues == 8 && self->pci_memory_mb == 64)
			EXPECT_STREQ(want, buf);
	}
	/* The mdev_bus entry is the function itself. */
	snprintf(path, sizeof(path), PCI_DEVICES "/%s", self->edu);
	ASSERT_NE(NULL, realpath(path, fn));
	snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s", self->edu);
	ASSERT_NE(NULL, realpath(path, link)) TH_LOG("%s: %s", path, strerror(errno));
	EXPECT_STREQ(fn, link);
	/* /sys/class/sacc: the virtual parents, sacc0..., and not the function. */
	n = dir_count(SACC_CLASS);
	EXPECT_EQ((int)self->nr_parents, n) TH_LOG("entries of " SACC_CLASS);
	for (i = 0; i < self->nr_parents && i < 16; i++) {
		snprintf(names[i], sizeof(names[i]), "sacc%u", i);
		snprintf(path, sizeof(path), SACC_CLASS "/%s", names[i]);
		EXPECT_NE(NULL, realpath(path, other)) {
			TH_LOG("no virtual parent %s", path);
			continue;
		}
		EXPECT_STRNE(fn, other);
	}
	snprintf(path, sizeof(path), SACC_CLASS "/%s", self->edu);
	EXPECT_NE(0, access(path, F_OK)) TH_LOG("%s exists", path);
}

TEST_F(pp, instance_on_the_pci_parent_opens_and_answers)
{
	char uuid[UUID_STR_LEN], path[PATH_MAX], dev[PATH_MAX], fn[PATH_MAX];
	uint32_t val;
	int ret;

	ASSERT_EQ(0, create(self, self->edu, "sacc-2q", uuid));
	ASSERT_TRUE(mdev_exists(uuid));
	expect_parent(_metadata, self, self->edu, 2);
	/* The instance is a child of the function. */
	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/..", uuid);
	ASSERT_NE(NULL, realpath(path, dev));
	snprintf(path, sizeof(path), PCI_DEVICES "/%s", self->edu);
	ASSERT_NE(NULL, realpath(path, fn));
	EXPECT_STREQ(fn, dev) TH_LOG("the parent device of %s", uuid);

	ret = vfio_open_container(uuid, &self->h);
	ASSERT_EQ(0, ret) TH_LOG("opening %s on %s through the type1 container: %s",
				 uuid, self->edu, strerror(-ret));
	ASSERT_EQ(0, cfg_read(&self->h, PCI_VENDOR_ID, 2, &val));
	EXPECT_EQ(SACC_PCI_VENDOR_ID, val);
	ASSERT_EQ(0, cfg_read(&self->h, PCI_DEVICE_ID, 2, &val));
	EXPECT_EQ(SACC_PCI_DEVICE_ID, val);
	EXPECT_EQ(SACC_ID_MAGIC, bar0_rd(_metadata, &self->h, SACC_REG_ID));
	EXPECT_EQ(SACC_VERSION, bar0_rd(_metadata, &self->h, SACC_REG_VERSION));
	EXPECT_EQ(2, bar0_rd(_metadata, &self->h, SACC_REG_CAPS) & SACC_CAPS_NR_QUEUES_MASK);
	if (self->pci_queues == 8 && self->pci_memory_mb == 64)
		EXPECT_EQ(16, bar0_rd(_metadata, &self->h, SACC_REG_DEVMEM_SIZE));
	bar0_wr(_metadata, &self->h, SACC_REG_SCRATCH, 0x5acc0ed0);
	EXPECT_EQ(0x5acc0ed0, bar0_rd(_metadata, &self->h, SACC_REG_SCRATCH));
	vfio_close(&self->h);

	ASSERT_EQ(0, mdev_remove(uuid));
	EXPECT_FALSE(mdev_exists(uuid));
	expect_parent(_metadata, self, self->edu, 0);
}

TEST_F(pp, driver_override_makes_any_function_a_parent)
{
	char path[PATH_MAX], buf[64], uuid[UUID_STR_LEN];
	int ret;

	ASSERT_NE(0, self->testdev[0]) {
		TH_LOG("no pci-testdev function (%04x:%04x) in " PCI_DEVICES ": "
		       "tests/vm/run.sh gives the VM -device pci-testdev", PCI_VENDOR_REDHAT,
		       PCI_DEVICE_TESTDEV);
	}
	ASSERT_EQ(-ENOENT, pci_driver_name(self->testdev, buf, sizeof(buf)))
		TH_LOG("pci-testdev %s is bound to %s: the test needs it free",
		       self->testdev, buf);
	ret = pci_handoff(self->testdev, &self->testdev_ho);
	ASSERT_EQ(0, ret) {
		TH_LOG("pci-testdev %s with driver_override=sacc and drivers_probe: %s (bound "
		       "to %s)", self->testdev, strerror(-ret),
		       driver_of(self->testdev, buf, sizeof(buf)));
	}
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override", self->testdev);
	ASSERT_EQ(0, sysfs_read(path, buf, sizeof(buf)));
	EXPECT_STREQ(SACC_PCI_DRIVER, buf);
	expect_parent(_metadata, self, self->testdev, 0);
	/* A parent of its own: an instance on it takes nothing from edu's budget. */
	ASSERT_EQ(0, create(self, self->testdev, "sacc-4q", uuid));
	expect_parent(_metadata, self, self->testdev, 4);
	expect_parent(_metadata, self, self->edu, 0);

	/* Given back: unbound (which removes the instance), driver_override cleared. */
	ret = pci_handoff_undo(&self->testdev_ho);
	ASSERT_EQ(0, ret) TH_LOG("giving %s back: %s", self->testdev, strerror(-ret));
	expect_not_parent(_metadata, self->testdev);
	EXPECT_FALSE(mdev_exists(uuid)) TH_LOG("instance %s outlived the unbind", uuid);
	ASSERT_EQ(0, sysfs_read(path, buf, sizeof(buf)));
	EXPECT_STREQ("(null)", buf);
	EXPECT_EQ(-ENOENT, pci_driver_name(self->testdev, buf, sizeof(buf)))
		TH_LOG("pci-testdev %s is bound to %s after the give-back", self->testdev,
		       buf);
	expect_parent(_metadata, self, self->edu, 0);
}

TEST_F(pp, unbind_removes_instances_then_rebind)
{
	char a[UUID_STR_LEN], b[UUID_STR_LEN];

	ASSERT_EQ(0, create(self, self->edu, "sacc-1q", a));
	ASSERT_EQ(0, create(self, self->edu, "sacc-4q", b));
	expect_parent(_metadata, self, self->edu, 5);

	unbind(_metadata, self->edu);
	EXPECT_FALSE(mdev_exists(a)) TH_LOG("instance %s outlived the unbind", a);
	EXPECT_FALSE(mdev_exists(b)) TH_LOG("instance %s outlived the unbind", b);
	expect_not_parent(_metadata, self->edu);

	bind(_metadata, self->edu);
	expect_parent(_metadata, self, self->edu, 0);
}

/* The kernel log from now on: /dev/kmsg at its end (-1 if it cannot be read). */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* A record since kmsg_open() contains both @a and @b. */
static bool kmsg_has(int fd, const char *a, const char *b)
{
	char rec[2048];
	bool found = false;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on with the next */
		if (n <= 0)
			break;
		rec[n] = '\0';
		found |= strstr(rec, a) && strstr(rec, b);
	}
	return found;
}

/*
 * The unbind, in a child process: it blocks until the user closes the device, and
 * a thread blocked there would keep this process's files (the device among them)
 * from being released if the test died. The child holds no descriptor of ours.
 */
static pid_t unbind_in_child(const char *bdf)
{
	pid_t pid = fork();

	if (pid == 0) {
		int ret;

		syscall(SYS_close_range, 3, ~0u, 0);
		ret = sysfs_write(SACC_UNBIND, bdf);
		_exit(ret ? -ret : 0);
	}
	return pid;
}

/* The unbinder exited within @ms: true, *@err its errno (0: the unbind succeeded). */
static bool unbinder_done(FIXTURE_DATA(pp) *self, int ms, int *err)
{
	int status;

	if (!child_reap(self->unbinder, ms, &status))
		return false;
	self->unbinder = 0;
	*err = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return true;
}

/*
 * Unbind edu while an instance is open, with or without a REQ eventfd; close the
 * device after a while; the unbind must then return.
 */
static void unbind_while_open(struct __test_metadata *_metadata, FIXTURE_DATA(pp) *self,
			      bool with_req)
{
	char uuid[UUID_STR_LEN];
	int64_t t0, t_req = 0, t_close;
	int kmsg, ret, err = 0;

	ASSERT_EQ(0, create(self, self->edu, "sacc-2q", uuid));
	ret = vfio_open_container(uuid, &self->h);
	ASSERT_EQ(0, ret) TH_LOG("opening %s: %s", uuid, strerror(-ret));
	if (with_req) {
		self->req = vfio_irq_enable(&self->h, VFIO_PCI_REQ_IRQ_INDEX);
		ASSERT_LE(0, self->req) TH_LOG("REQ eventfd: %s", strerror(-self->req));
	}
	bar0_wr(_metadata, &self->h, SACC_REG_SCRATCH, 0x0123abcd);
	kmsg = kmsg_open();

	t0 = mono_ms();
	self->unbinder = unbind_in_child(self->edu);
	ASSERT_LT(0, self->unbinder) TH_LOG("fork: %s", strerror(errno));
	if (with_req) {
		ASSERT_EQ(1, eventfd_wait(self->req, WAIT_MS))
			TH_LOG("no REQ within %d s of the unbind of %s", WAIT_MS / 1000,
			       self->edu);
		t_req = mono_ms() - t0;
		/*
		 * Not let go: vfio_unregister_group_dev() asks again every 10 s, and the
		 * unbind still waits.
		 */
		ASSERT_EQ(1, eventfd_wait(self->req, WAIT_MS + 5000))
			TH_LOG("no second REQ within %d s of the first", WAIT_MS / 1000 + 5);
		FIGURES("REQ %lld ms after the unbind started, again after %lld ms",
			(long long)t_req, (long long)(mono_ms() - t0 - t_req));
	} else {
		msleep(3000);
	}
	EXPECT_FALSE(unbinder_done(self, 0, &err))
		TH_LOG("the unbind returned (errno %d) while %s is open", err, uuid);
	/* The user still has a working device. */
	EXPECT_EQ(SACC_ID_MAGIC, bar0_rd(_metadata, &self->h, SACC_REG_ID));
	EXPECT_EQ(0x0123abcd, bar0_rd(_metadata, &self->h, SACC_REG_SCRATCH));
	if (!with_req && kmsg >= 0)
		EXPECT_TRUE(kmsg_has(kmsg, uuid, "in use by a user without a request eventfd"))
			TH_LOG("the kernel did not say that %s has no request eventfd", uuid);
	if (kmsg >= 0)
		close(kmsg);

	t_close = mono_ms();
	vfio_close(&self->h);
	ASSERT_TRUE(unbinder_done(self, WAIT_MS, &err))
		TH_LOG("the unbind of %s still blocks %d s after the close", self->edu,
		       WAIT_MS / 1000);
	EXPECT_EQ(0, err) TH_LOG("the unbind failed: %s", strerror(err));
	FIGURES("%s REQ: the unbind returned %lld ms after the close (%lld ms in all)",
		with_req ? "with" : "without", (long long)(mono_ms() - t_close),
		(long long)(mono_ms() - t0));
	EXPECT_FALSE(mdev_exists(uuid)) TH_LOG("instance %s outlived the unbind", uuid);
	expect_not_parent(_metadata, self->edu);

	bind(_metadata, self->edu);
	expect_parent(_metadata, self, self->edu, 0);
}

TEST_F_TIMEOUT(pp, unbind_while_open_with_req, 120)
{
	unbind_while_open(_metadata, self, true);
}

TEST_F_TIMEOUT(pp, unbind_while_open_without_req, 120)
{
	unbind_while_open(_metadata, self, false);
}

/*
 * Bound: PCI_REBIND_CYCLES (default 20). Each cycle creates an instance (every
 * type in turn), removes it itself every other cycle and leaves it to the unbind
 * otherwise.
 */
TEST_F_TIMEOUT(pp, rebind_loop_keeps_the_budget, 300)
{
	unsigned int cycles = env_uint("PCI_REBIND_CYCLES", 20, 10000), c;
	char uuid[UUID_STR_LEN];
	int64_t t0 = mono_ms();
	int ret;

	for (c = 0; c < cycles; c++) {
		const char *type = sacc_types[c % SACC_NR_TYPES].name;

		self->nr_created = 0;
		ret = create(self, self->edu, type, uuid);
		ASSERT_EQ(0, ret) TH_LOG("cycle %u: creating %s on %s: %s", c, type,
					 self->edu, strerror(-ret));
		if (c % 2)
			ASSERT_EQ(0, mdev_remove(uuid)) TH_LOG("cycle %u", c);
		unbind(_metadata, self->edu);
		EXPECT_FALSE(mdev_exists(uuid)) TH_LOG("cycle %u: %s outlived the unbind",
						       c, uuid);
		bind(_metadata, self->edu);
		expect_parent(_metadata, self, self->edu, 0);
		if (_metadata->exit_code == KSFT_FAIL) {
			TH_LOG("failed in cycle %u", c);
			break;
		}
	}
	FIGURES("rebind: %u unbinds and binds in %.1f s", c, (mono_ms() - t0) / 1000.0);
}

TEST_F_TIMEOUT(pp, reload_without_virtual_parents, 120)
{
	char path[PATH_MAX], uuid[UUID_STR_LEN];
	unsigned int i;
	int ret;

	ret = sacc_module_path(path, sizeof(path));
	if (ret)
		SKIP(return, "$SACC_MODULE_DIR/sacc.ko: %s: sacc could not be loaded again",
		     strerror(-ret));
	ret = sacc_module_unload();
	ASSERT_EQ(0, ret) TH_LOG("unloading sacc: %s", strerror(-ret));
	expect_not_parent(_metadata, self->edu);

	self->reloaded = true;
	ret = sacc_module_load("nr_parents=0");
	ASSERT_EQ(0, ret) TH_LOG("loading %s nr_parents=0: %s", path, strerror(-ret));
	EXPECT_EQ(0, dir_count(SACC_CLASS)) TH_LOG("virtual parents with nr_parents=0");
	EXPECT_NE(0, access(MDEV_BUS_CLASS "/sacc0", F_OK));
	expect_parent(_metadata, self, self->edu, 0);
	ASSERT_EQ(0, create(self, self->edu, "sacc-1q", uuid));
	expect_parent(_metadata, self, self->edu, 1);
	ASSERT_EQ(0, mdev_remove(uuid));

	ret = sacc_module_unload();
	ASSERT_EQ(0, ret) TH_LOG("unloading sacc (nr_parents=0): %s", strerror(-ret));
	self->reloaded = false;
	ret = sacc_module_load("");
	ASSERT_EQ(0, ret) TH_LOG("loading %s with its defaults: %s", path, strerror(-ret));
	EXPECT_EQ((int)self->nr_parents, dir_count(SACC_CLASS));
	for (i = 0; i < self->nr_parents; i++) {
		snprintf(path, sizeof(path), MDEV_BUS_CLASS "/sacc%u", i);
		EXPECT_EQ(0, access(path, F_OK)) TH_LOG("no %s after the reload", path);
	}
	expect_parent(_metadata, self, self->edu, 0);
}

TEST_HARNESS_MAIN
