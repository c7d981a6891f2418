// SPDX-License-Identifier: GPL-2.0
/*
 * lifecycle: create and remove sacc instances through the mdev sysfs interface and
 * open them through VFIO, checking the capacity budget at every step.
 *
 * The parent is $SACC_PARENT: sacc0 when unset, "pci" for the edu function that
 * sacc's PCI driver is bound to (tests/vm/guest.sh runs "lifecycle@pci" so), or any
 * parent's name. Expects sacc.ko loaded with its defaults (8 queues and 64 MiB per
 * parent of either kind: queues and pci_queues, memory_mb and pci_memory_mb) and no
 * instance of that parent present. Every test removes what it created, also when
 * it fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "sacc_test.h"
#include "sacc_regs.h"
#include "vfio_env.h"

/* The parent under test, from $SACC_PARENT (sacc_parent_from_env()). */
static char parent_name[MDEV_NAME_LEN];
#define PARENT		parent_name
#define PARENT_QUEUES	8
#define PARENT_MEMORY_MB 64
#define MAX_CREATED	16

FIXTURE(lc) {
	char created[MAX_CREATED][UUID_STR_LEN];
	int nr_created;
	int devices_before;
};

FIXTURE_SETUP(lc)
{
	unsigned int i, val;

	suite_parent(_metadata, parent_name, sizeof(parent_name));
	/* The counts below are for a parent of the default capacity. */
	ASSERT_EQ(0, sacc_parent_attr_uint(PARENT, "queues", &val));
	ASSERT_EQ(PARENT_QUEUES, val) TH_LOG("parent %s has %u queues", PARENT, val);
	ASSERT_EQ(0, sacc_parent_attr_uint(PARENT, "memory_mb", &val));
	ASSERT_EQ(PARENT_MEMORY_MB, val) TH_LOG("parent %s has %u MiB", PARENT, val);
	/* Start from an idle parent, or every count below is off. */
	for (i = 0; i < SACC_NR_TYPES; i++)
		ASSERT_EQ(PARENT_QUEUES / sacc_types[i].queues,
			  mdev_available(PARENT, sacc_types[i].name));
	self->nr_created = 0;
	self->devices_before = mdev_count();
	ASSERT_LE(0, self->devices_before);
}

FIXTURE_TEARDOWN(lc)
{
	int i;

	for (i = 0; i < self->nr_created; i++)
		if (mdev_exists(self->created[i]))
			mdev_remove(self->created[i]);
}

/* Create an instance of @type with a fresh UUID, remembered for teardown. */
static int create(FIXTURE_DATA(lc) *self, const char *type, char *uuid)
{
	int ret;

	uuid_new(uuid);
	ret = mdev_create(PARENT, type, uuid);
	if (!ret && self->nr_created < MAX_CREATED)
		strcpy(self->created[self->nr_created++], uuid);
	return ret;
}

/* Every type's available_instances after @used queues are taken. */
static void expect_budget(struct __test_metadata *_metadata, unsigned int used)
{
	unsigned int i;

	for (i = 0; i < SACC_NR_TYPES; i++)
		EXPECT_EQ((PARENT_QUEUES - used) / sacc_types[i].queues,
			  mdev_available(PARENT, sacc_types[i].name)) {
			TH_LOG("type %s with %u queues used", sacc_types[i].name, used);
		}
}

TEST_F(lc, types_are_listed_with_their_budget)
{
	char buf[256], want[64];
	unsigned int i;

	for (i = 0; i < SACC_NR_TYPES; i++) {
		ASSERT_EQ(0, mdev_type_attr(PARENT, sacc_types[i].name, "device_api",
					    buf, sizeof(buf)));
		EXPECT_STREQ("vfio-pci", buf);
		ASSERT_EQ(0, mdev_type_attr(PARENT, sacc_types[i].name, "name", buf,
					    sizeof(buf)));
		EXPECT_NE(0, strlen(buf));
		ASSERT_EQ(0, mdev_type_attr(PARENT, sacc_types[i].name, "description",
					    buf, sizeof(buf)));
		snprintf(want, sizeof(want), "queues=%u, memory=%uM, weight=%u",
			 sacc_types[i].queues, sacc_types[i].queues * 8, sacc_types[i].queues);
		EXPECT_STREQ(want, buf);
	}
	expect_budget(_metadata, 0);
}

TEST_F(lc, create_then_remove_restores_budget)
{
	char uuid[UUID_STR_LEN], path[64];
	int group;

	ASSERT_EQ(0, create(self, "sacc-1q", uuid));
	ASSERT_TRUE(mdev_exists(uuid));
	group = mdev_iommu_group(uuid);
	ASSERT_LE(0, group);
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	EXPECT_EQ(0, access(path, F_OK)) TH_LOG("%s is missing", path);
	EXPECT_EQ(self->devices_before + 1, mdev_count());
	expect_budget(_metadata, 1);

	ASSERT_EQ(0, mdev_remove(uuid));
	EXPECT_FALSE(mdev_exists(uuid));
	EXPECT_EQ(self->devices_before, mdev_count());
	expect_budget(_metadata, 0);
}

/* The checks both VFIO paths share: info ioctls and the config region. */
static void check_device_info(struct __test_metadata *_metadata,
			      const struct vfio_handle *h)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_irq_info irq = { .argsz = sizeof(irq) };
	struct vfio_region_info reg;
	unsigned char cfg[16];

	ASSERT_EQ(0, ioctl(h->device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_EQ(VFIO_PCI_NUM_REGIONS, info.num_regions);
	EXPECT_EQ(VFIO_PCI_NUM_IRQS, info.num_irqs);

	ASSERT_EQ(0, vfio_region(h, VFIO_PCI_CONFIG_REGION_INDEX, &reg));
	EXPECT_EQ(256, reg.size);
	EXPECT_TRUE(reg.flags & VFIO_REGION_INFO_FLAG_READ);
	ASSERT_EQ(sizeof(cfg), pread(h->device, cfg, sizeof(cfg), reg.offset));
	EXPECT_EQ(SACC_PCI_VENDOR_ID, cfg[0] | cfg[1] << 8);
	EXPECT_EQ(SACC_PCI_DEVICE_ID, cfg[2] | cfg[3] << 8);
	EXPECT_EQ(SACC_PCI_CLASS, cfg[9] | cfg[10] << 8 | cfg[11] << 16);
	/* Reads that leave the region fail and return nothing. */
	EXPECT_EQ(-1, pread(h->device, cfg, 4, reg.offset + 256));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pread(h->device, cfg, 8, reg.offset + 252));
	EXPECT_EQ(EINVAL, errno);

	EXPECT_EQ(-EINVAL, vfio_region(h, VFIO_PCI_NUM_REGIONS, &reg));
	irq.index = VFIO_PCI_NUM_IRQS;
	EXPECT_EQ(-1, ioctl(h->device, VFIO_DEVICE_GET_IRQ_INFO, &irq));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, ioctl(h->device, VFIO_DEVICE_RESET));
}

TEST_F(lc, open_through_type1_container)
{
	char uuid[UUID_STR_LEN];
	struct vfio_handle h;

	ASSERT_EQ(0, create(self, "sacc-2q", uuid));
	ASSERT_EQ(0, vfio_open_container(uuid, &h));
	check_device_info(_metadata, &h);
	vfio_close(&h);
	ASSERT_EQ(0, mdev_remove(uuid));
	expect_budget(_metadata, 0);
}

TEST_F(lc, open_through_iommufd_cdev)
{
	char uuid[UUID_STR_LEN];
	struct vfio_handle h;

	if (access("/dev/iommu", F_OK))
		SKIP(return, "this kernel has no iommufd (/dev/iommu missing)");
	ASSERT_EQ(0, create(self, "sacc-2q", uuid));
	ASSERT_EQ(0, vfio_open_iommufd(uuid, &h));
	check_device_info(_metadata, &h);
	vfio_close(&h);
	ASSERT_EQ(0, mdev_remove(uuid));
	expect_budget(_metadata, 0);
}

TEST_F(lc, duplicate_uuid_is_rejected_and_changes_nothing)
{
	char uuid[UUID_STR_LEN];

	ASSERT_EQ(0, create(self, "sacc-1q", uuid));
	EXPECT_EQ(-EEXIST, mdev_create(PARENT, "sacc-1q", uuid));
	EXPECT_EQ(-EEXIST, mdev_create(PARENT, "sacc-4q", uuid));
	EXPECT_EQ(self->devices_before + 1, mdev_count());
	expect_budget(_metadata, 1);
}

TEST_F(lc, exhausted_budget_is_rejected_and_changes_nothing)
{
	char a[UUID_STR_LEN], b[UUID_STR_LEN], c[UUID_STR_LEN];

	ASSERT_EQ(0, create(self, "sacc-4q", a));
	ASSERT_EQ(0, create(self, "sacc-4q", b));
	expect_budget(_metadata, PARENT_QUEUES);

	EXPECT_EQ(-ENOSPC, create(self, "sacc-4q", c));
	EXPECT_FALSE(mdev_exists(c));
	EXPECT_EQ(-ENOSPC, create(self, "sacc-1q", c));
	EXPECT_FALSE(mdev_exists(c));
	EXPECT_EQ(self->devices_before + 2, mdev_count());
	expect_budget(_metadata, PARENT_QUEUES);

	ASSERT_EQ(0, mdev_remove(a));
	expect_budget(_metadata, 4);
}

TEST_F(lc, malformed_uuid_is_rejected)
{
	EXPECT_EQ(-EINVAL, mdev_create(PARENT, "sacc-1q", "not-a-uuid"));
	EXPECT_EQ(self->devices_before, mdev_count());
	expect_budget(_metadata, 0);
}

#define RACERS		4
#define RACE_ROUNDS	25

struct race {
	atomic_int holders;
	atomic_int max_holders;
	atomic_int creates;
	atomic_int unexpected;
};

/* Create and remove 2-queue instances in a loop, alongside the other racers. */
static void *racer(void *arg)
{
	struct race *r = arg;
	char uuid[UUID_STR_LEN];
	int i, ret, now, max;

	for (i = 0; i < RACE_ROUNDS; i++) {
		uuid_new(uuid);
		ret = mdev_create(PARENT, "sacc-2q", uuid);
		if (ret == -ENOSPC)
			continue;
		if (ret) {
			atomic_fetch_add(&r->unexpected, 1);
			continue;
		}
		atomic_fetch_add(&r->creates, 1);
		now = atomic_fetch_add(&r->holders, 1) + 1;
		max = atomic_load(&r->max_holders);
		while (now > max && !atomic_compare_exchange_weak(&r->max_holders, &max, now))
			;
		atomic_fetch_sub(&r->holders, 1);
		if (mdev_remove(uuid))
			atomic_fetch_add(&r->unexpected, 1);
	}
	return NULL;
}

/* Slow under TCG with KASAN and lockdep: 150 creates and removes. */
TEST_F_TIMEOUT(lc, concurrent_create_and_remove_keep_the_budget, 300)
{
	pthread_t t[RACERS + 2];
	struct race r = { 0 };
	int i;

	/* Six racers for room for four 2-queue instances: some must meet ENOSPC. */
	for (i = 0; i < RACERS + 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, racer, &r));
	for (i = 0; i < RACERS + 2; i++)
		pthread_join(t[i], NULL);

	EXPECT_EQ(0, atomic_load(&r.unexpected));
	EXPECT_LT(0, atomic_load(&r.creates));
	EXPECT_GE(PARENT_QUEUES / 2, atomic_load(&r.max_holders));
	EXPECT_EQ(self->devices_before, mdev_count());
	expect_budget(_metadata, 0);
}

TEST_HARNESS_MAIN
