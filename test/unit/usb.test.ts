import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { result } from 'yeoman-test';
import { runCli } from '../support/cli.js';
import { runUsb } from '../support/run-app.js';

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'kmod-usb-'));
}

const read = (file: string) => readFileSync(path.join(result.cwd, file), 'utf8');

describe('yo kmod:usb', () => {
  it('defaults: the Loopback gadget IDs, bulk endpoints, a class device, kref lifetime, a test program', async () => {
    await runUsb({ yes: true, name: 'lb' });
    const c = read('lb.c');
    assert.match(c, /^#define LB_VENDOR_ID\t0x1a0a$/m);
    assert.match(c, /^#define LB_PRODUCT_ID\t0xbadd$/m);
    assert.match(c, /\t\{ USB_DEVICE\(LB_VENDOR_ID, LB_PRODUCT_ID\) \},\n\t\{ \}\n\};\nMODULE_DEVICE_TABLE\(usb, lb_ids\);/);
    assert.match(c, /usb_find_common_endpoints\(intf->cur_altsetting, &in, &out, NULL, NULL\)/);
    assert.match(c, /ret = usb_register_dev\(intf, &lb_class\);/);
    assert.match(c, /\.name = "lb%d",/);
    assert.match(c, /usb_deregister_dev\(intf, &lb_class\);\n\tmutex_lock\(&dev->io_mutex\);\n\tdev->disconnected = true;/, 'disconnect: node first, then the state marked gone');
    assert.match(c, /kref_get\(&dev->kref\);/);
    assert.match(c, /if \(dev->disconnected\) \{\n\t\tret = -ENODEV;/);
    assert.match(c, /\.owner = THIS_MODULE,/);
    assert.match(c, /\.suspend = lb_suspend,\n\t\.resume = lb_resume,\n\t\.reset_resume = lb_resume,/);
    assert.match(c, /module_usb_driver\(lb_driver\);/);
    assert.match(c, /err_clear:\n\tusb_set_intfdata\(intf, NULL\);\nerr_put:\n\tkref_put\(&dev->kref, lb_delete\);/, 'probe unwinds with goto');
    assert.doesNotMatch(c, /LINUX_VERSION_CODE|no_llseek/);
    assert.match(read('tools/lb_test.c'), /round_trip_small_reads/);
    assert.match(read('README.md'), /^\| `tools\/lb_test\.c` \| user-space test program: round trips through `\/dev\/lbN` /m, 'the file table names the test program');
    assert.match(read('Makefile'), /^TOOLS := tools\/lb_test$/m);
    assert.match(read('README.md'), /### lb \(USB driver\)[\s\S]*usb_f_ss_lb[\s\S]*Loopback\.0/);
  });

  it('--interface-class and IDs: matched with USB_DEVICE_INTERFACE_CLASS, written canonically', async () => {
    await runUsb({ yes: true, name: 'mine', vendor: '0xABC', product: '0x1', 'interface-class': '0xF' });
    const c = read('mine.c');
    assert.match(c, /^#define MINE_VENDOR_ID\t0x0abc$/m);
    assert.match(c, /^#define MINE_PRODUCT_ID\t0x0001$/m);
    assert.match(c, /^#define MINE_INTERFACE_CLASS\t0x0f$/m);
    assert.match(c, /\{ USB_DEVICE_INTERFACE_CLASS\(MINE_VENDOR_ID, MINE_PRODUCT_ID, MINE_INTERFACE_CLASS\) \},/);
    const rc = JSON.parse(read('.yo-rc.json')) as Record<string, { modules: { settings: unknown }[] }>;
    assert.deepEqual(rc['generator-kmod']?.modules[0]?.settings, { vendor: '0x0abc', product: '0x0001', interfaceClass: '0x0f' });
  });

  it('quiet: a declined interface is -ENODEV without a message; bind, unbind and PM are debug messages', async () => {
    await runUsb({ yes: true, name: 'lb' });
    const c = read('lb.c');
    assert.match(c, /\tif \(usb_find_common_endpoints\(intf->cur_altsetting, &in, &out, NULL, NULL\)\)\n\t\treturn -ENODEV;\n/);
    assert.doesNotMatch(c, /no bulk-in and bulk-out endpoint/);
    assert.doesNotMatch(c, /dev_info\(/, 'nothing at info level on every bind');
    for (const m of ['bound, minor %d', 'disconnected', 'suspend', 'resume']) assert.match(c, new RegExp(`dev_dbg\\(&intf->dev, "${m}\\\\n"`), m);
  });

  it("make vmtest's test de-authorizes the device while the node is open: the open file gets ENODEV", async () => {
    await runUsb({ yes: true, name: 'lb' });
    const t = read('tests/lb.sh');
    assert.match(t, /= 1a0a:badd \] && echo \$d/, 'finds the device by its IDs');
    const hold = t.indexOf('lb_test hold /dev/lb0 60 >/tmp/lb.hold2');
    const deauth = t.indexOf('echo 0 >$(usbdev)/authorized');
    const enodev = t.indexOf('grep -q "No such device" /tmp/lb.hold2');
    assert.ok(hold > 0 && deauth > hold && enodev > deauth, 'hold, de-authorize, then ENODEV');
    assert.match(t, /echo 1 >\$\(usbdev\)\/authorized/);
  });

  const cases: [string[], RegExp][] = [
    [['--name', 'abcdefghijklmnopq'], /--name: USB driver name 'abcdefghijklmnopq' is 17 characters long: USB device node names \(<name>N\) are limited to 16/],
    [['--vendor', '0xffff'], /--vendor: vendor ID 0xffff is not a valid ID: vendor ID must be a 16-bit USB ID in hex/],
    [['--product', 'badd'], /--product: product ID 'badd' is not allowed: product ID must be a 16-bit USB ID in hex, 0x0001 to 0xfffe, as lsusb shows it/],
    [['--interface-class', '0x100'], /--interface-class: interface class '0x100' is not allowed: give 'any' or one byte in hex/],
  ];
  for (const [args, message] of cases) {
    it(`refuses ${args.join(' ')} and writes nothing`, () => {
      const dir = tmp();
      const r = runCli(dir, ['usb', '--yes', ...args]);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, message);
      assert.deepEqual(readdirSync(dir), [], 'nothing written');
    });
  }
});
