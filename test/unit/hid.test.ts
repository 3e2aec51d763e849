import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { result } from 'yeoman-test';
import { HID_QUESTIONS } from '../../generators/hid/index.js';
import { runCli } from '../support/cli.js';
import { emptyDir, runHid } from '../support/run-app.js';

const tmp = (): string => emptyDir('hid');

const read = (file: string) => readFileSync(path.join(result.cwd, file), 'utf8');

describe('yo kmod:hid', () => {
  it('defaults: the test device IDs on USB, every part, probes for the APIs that differ, a uhid test program', async () => {
    await runHid({ yes: true, name: 'hd' });
    const c = read('hd.c');
    assert.match(c, /^\/\/ SPDX-License-Identifier: /);
    assert.match(c, /^#define pr_fmt\(fmt\) KBUILD_MODNAME ": " fmt$/m);
    assert.match(c, /^#define HD_VENDOR_ID\t0x1209$/m);
    assert.match(c, /^#define HD_PRODUCT_ID\t0x0001$/m);
    assert.match(c, /\t\{ HID_USB_DEVICE\(HD_VENDOR_ID, HD_PRODUCT_ID\) \},\n\t\{ \}\n\};\nMODULE_DEVICE_TABLE\(hid, hd_devices\);/);
    assert.match(c, /module_hid_driver\(hd_driver\);/);
    for (const m of ['LICENSE', 'AUTHOR', 'DESCRIPTION', 'VERSION']) assert.match(c, new RegExp(`^MODULE_${m}\\(`, 'm'));
    // Paired and unwound: parse, start, open; remove undoes them in reverse.
    assert.match(c, /ret = hid_parse\(hdev\);[\s\S]*ret = hid_hw_start\(hdev, HID_CONNECT_HIDRAW\);[\s\S]*ret = hid_hw_open\(hdev\);/);
    assert.match(c, /err_close:\n\thid_hw_close\(hdev\);\nerr_stop:\n\thid_hw_stop\(hdev\);\n\treturn ret;/);
    assert.match(c, /\thwmon_device_unregister\(dev->hwmon\);\n\thid_hw_close\(hdev\);\n\thid_hw_stop\(hdev\);/, 'remove: hwmon first, then close, then stop');
    // raw_event: length first, nothing logged, no sleeping.
    const raw = c.slice(c.indexOf('static int hd_raw_event'), c.indexOf('\n}\n', c.indexOf('static int hd_raw_event')));
    assert.ok(raw.indexOf('if (size != HD_STATUS_LEN)') < raw.indexOf('data['), 'the length is checked before a byte is read');
    assert.doesNotMatch(raw, /hid_(err|warn|info|dbg)|dev_(err|warn|info|dbg)|pr_|printk|mutex|kmalloc|GFP_KERNEL|msleep/);
    assert.match(raw, /get_unaligned_le16\(&data\[2\]\)/);
    assert.match(raw, /\(s16\)get_unaligned_le16\(&data\[4\]\)/);
    assert.match(c, /hid_hw_raw_request\(dev->hdev, HD_REPORT_LIMIT, dev->feature, HD_LIMIT_LEN,\n\t+ HID_FEATURE_REPORT, HID_REQ_GET_REPORT\);/);
    assert.match(c, /static KMOD_HID_RDESC_CONST __u8 \*hd_report_fixup\(/);
    assert.match(c, /\.driver\.dev_groups = hd_groups,/);
    assert.doesNotMatch(c, /LINUX_VERSION_CODE|asm\/unaligned|linux\/unaligned/, 'kernel differences through kmod_compat.h');
    const compat = read('kmod_compat.h');
    assert.match(compat, /#ifdef KMOD_HAVE_HID_REPORT_FIXUP_CONST\n#define KMOD_HID_RDESC_CONST\tconst\n/);
    assert.match(compat, /#ifdef KMOD_HAVE_LINUX_UNALIGNED_H\n#include <linux\/unaligned.h>\n#else\n#include <asm\/unaligned.h>\n/);
    assert.match(compat, /#ifdef KMOD_HAVE_HWMON_CONST_INFO/);
    for (const p of ['hid_report_fixup_const', 'hid_report_fixup', 'linux_unaligned_h', 'asm_unaligned_h', 'hwmon_const_info', 'hwmon_info']) {
      assert.match(read(`probes/${p}.c`), /kmod-api: /, p);
    }
    const tool = read('tools/hd_test.c');
    assert.match(tool, /#define VENDOR\t\t0x1209\n#define PRODUCT\t\t0x0001\n#define BUS\t\tBUS_USB/);
    assert.match(tool, /0x29, 0x03,\t\t\t\/\*   Usage Maximum \(3\)/);
    assert.match(tool, /"hostile_reports_log_nothing"/);
    assert.match(tool, /"removed_while_a_limit_read_waits"/);
    assert.match(read('README.md'), /^\| `tools\/hd_test\.c` \| user-space test program: a uhid device /m, 'the file table names the test program');
    const t = read('tests/hd.sh');
    assert.match(t, /^# vmtest-intree: uhid hid-generic evdev$/m);
    assert.match(t, /check "rmmod while bound" rmmod hd/);
    assert.match(read('Makefile'), /^TOOLS := tools\/hd_test$/m);
    assert.match(read('dkms.conf'), /CONFIG_HID/);
    assert.match(read('README.md'), /### hd \(HID driver\)[\s\S]*uhid/);
    const rc = JSON.parse(read('.yo-rc.json')) as Record<string, { modules: { settings: unknown }[] }>;
    assert.deepEqual(rc['generator-kmod']?.modules[0]?.settings, { vendor: '0x1209', product: '0x0001', bus: 'usb', features: 'fixup,input,hwmon,sysfs' });
  });

  it('--bus and IDs: the bus macro, IDs written canonically, the test device on the same bus', async () => {
    await runHid({ yes: true, name: 'bt', vendor: '0x46D', product: '0xC52B', bus: 'bluetooth' });
    const c = read('bt.c');
    assert.match(c, /^#define BT_VENDOR_ID\t0x046d$/m);
    assert.match(c, /^#define BT_PRODUCT_ID\t0xc52b$/m);
    assert.match(c, /\{ HID_BLUETOOTH_DEVICE\(BT_VENDOR_ID, BT_PRODUCT_ID\) \},/);
    assert.match(read('tools/bt_test.c'), /#define BUS\t\tBUS_BLUETOOTH/);
    await runHid({ yes: true, name: 'ic', bus: 'i2c' });
    assert.match(read('ic.c'), /\{ HID_I2C_DEVICE\(IC_VENDOR_ID, IC_PRODUCT_ID\) \},/);
  });

  it('--features: only the parts asked for; none: hid-input and hidraw from hid core, no raw_event', async () => {
    await runHid({ yes: true, name: 'ns', features: 'none' });
    const c = read('ns.c');
    assert.match(c, /hid_hw_start\(hdev, HID_CONNECT_DEFAULT\)/);
    for (const gone of ['raw_event', 'report_fixup', 'hwmon', 'input_dev', 'dev_groups', 'spinlock']) assert.doesNotMatch(c, new RegExp(gone), gone);
    assert.doesNotMatch(read('kmod_compat.h'), /#ifdef KMOD_HAVE_/);
    await runHid({ yes: true, name: 'in', features: 'sysfs,input' });
    const i = read('in.c');
    assert.match(i, /\.raw_event = in_raw_event,/);
    assert.doesNotMatch(i, /hwmon|report_fixup/);
    assert.match(i, /dev->dropped\+\+;/);
    const rc = JSON.parse(read('.yo-rc.json')) as Record<string, { modules: { settings: { features: string } }[] }>;
    assert.equal(rc['generator-kmod']?.modules[0]?.settings.features, 'input,sysfs', 'saved in table order');
  });

  it('an edit survives a re-run; the same run twice changes nothing', () => {
    const dir = tmp();
    assert.equal(runCli(dir, ['hid', '--yes', '--name', 'ed']).status, 0);
    const file = path.join(dir, 'ed.c');
    const edited = `${readFileSync(file, 'utf8')}/* mine */\n`;
    writeFileSync(file, edited);
    const r = runCli(dir, ['hid', '--yes', '--name', 'ed']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(file, 'utf8'), edited, 'the user edit is kept');
  });

  it('--help lists every option with what is allowed', () => {
    const r = runCli(tmp(), ['hid', '--help']);
    assert.equal(r.status, 0, r.stderr);
    for (const q of HID_QUESTIONS) assert.match(r.stdout, new RegExp(`--${q.option ?? q.name}`), q.name);
    assert.match(r.stdout, /usb, bluetooth, i2c/);
    assert.match(r.stdout, /fixup,input,hwmon,sysfs/);
  });

  const cases: [string[], RegExp][] = [
    [['--vendor', '0xffff'], /--vendor: vendor ID 0xffff is not a valid ID: vendor ID must be a 16-bit USB ID in hex/],
    [['--product', '1'], /--product: product ID '1' is not allowed: product ID must be a 16-bit USB ID in hex, 0x0001 to 0xfffe/],
    [['--bus', 'spi'], /--bus: bus 'spi' is not allowed: use 'usb', 'bluetooth' or 'i2c'/],
    [['--features', 'input,leds'], /--features: feature 'leds' not known: give a comma-separated list of fixup, input, hwmon, sysfs, or none/],
    [['--name', 'Bad-Name'], /--name: /],
  ];
  for (const [args, message] of cases) {
    it(`refuses ${args.join(' ')} and writes nothing`, () => {
      const dir = tmp();
      const r = runCli(dir, ['hid', '--yes', ...args]);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, message);
      assert.deepEqual(readdirSync(dir), [], 'nothing written');
    });
  }
});
