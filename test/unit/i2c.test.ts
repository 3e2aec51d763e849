import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { result } from 'yeoman-test';
import { runCli } from '../support/cli.js';
import { runApp, runI2c } from '../support/run-app.js';

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'kmod-i2c-'));
}

const read = (file: string, dir = result.cwd) => readFileSync(path.join(dir, file), 'utf8');

describe('yo kmod:i2c: front-ends and register widths', () => {
  for (const cls of ['hwmon', 'sysfs'] as const) {
    for (const regBits of ['8', '16'] as const) {
      for (const valBits of ['8', '16'] as const) {
        it(`--class ${cls} --reg-bits ${regBits} --val-bits ${valBits}`, async () => {
          await runI2c({ yes: true, name: 'sens', class: cls, 'reg-bits': regBits, 'val-bits': valBits });
          const c = read('sens.c');
          assert.match(c, new RegExp(`\\t\\.reg_bits = ${regBits},\\n\\t\\.val_bits = ${valBits},`));
          assert.equal(/REGMAP_ENDIAN_BIG/.test(c), valBits === '16', 'byte order said for 16-bit values only');
          // The temperature format lives in one header, shared with the KUnit test.
          const h = read('sens_temp.h');
          assert.match(c, /^#include "sens_temp\.h"$/m);
          assert.doesNotMatch(c, /DIV_ROUND_CLOSEST|sign_extend32/, 'the conversions are in sens_temp.h only');
          assert.match(h, new RegExp(`^#define SENS_TEMP_PER_DEGREE\\t${valBits === '16' ? 256 : 1}$`, 'm'));
          assert.match(h, new RegExp(`^#define SENS_TEMP_MAX\\t${valBits === '16' ? 127996 : 127000}$`, 'm'));
          assert.match(h, /^#define SENS_TEMP_MIN\t\(-128000\)/m);
          assert.match(h, /^static inline long sens_reg_to_mdeg\(unsigned int reg\)$/m);
          assert.match(h, /^static inline unsigned int sens_mdeg_to_reg\(long mdeg\)$/m);
          const k = read('sens_kunit.c');
          assert.match(k, /^kunit_test_suite\(sens_temp_suite\);$/m);
          assert.match(k, valBits === '16' ? /\{ 0xf580, -10500, "-10\.5" \},/ : /\{ 0xe7, -25000, "-25" \},/, 'known values of the format');
          assert.match(read('Kbuild'), /^obj-\$\(if \$\(CONFIG_KUNIT\),m\) \+= sens_kunit\.o$/m);
          assert.match(read('Makefile'), /^KERNEL_SOURCES := sens\.c sens_kunit\.c kmod_compat\.h sens_temp\.h \$\(wildcard probes\/\*\.c\)$/m);
          assert.doesNotMatch(read('dkms.conf'), /sens_kunit/, 'the KUnit module is never installed');
          assert.equal(/devm_hwmon_device_register_with_info\(dev, KBUILD_MODNAME, priv,/.test(c), cls === 'hwmon');
          assert.equal(/static const struct hwmon_channel_info \*KMOD_HWMON_INFO_CONST sens_info\[\]/.test(c), cls === 'hwmon');
          assert.equal(/static DEVICE_ATTR_RW\(limit\);/.test(c), cls === 'sysfs');
          assert.equal(/\.dev_groups = sens_groups,/.test(c), cls === 'sysfs');
          assert.equal(/I2C_FUNC_SMBUS_(WORD|BYTE)_DATA/.test(c), regBits === '8', 'SMBus is enough with 8-bit register addresses');
          // Always there.
          assert.match(c, /priv->regmap = devm_regmap_init_i2c\(client, &sens_regmap_config\);/);
          assert.match(c, /\.cache_type = KMOD_REGCACHE_SPARSE,/);
          assert.match(c, /\.volatile_reg = sens_volatile_reg,/);
          assert.match(c, /\{ "sens" \},\n\t\{ \}\n\};\nMODULE_DEVICE_TABLE\(i2c, sens_id\);/);
          assert.match(c, /\{ \.compatible = "kmod,sens" \},\n\t\{ \}\n\};\nMODULE_DEVICE_TABLE\(of, sens_of_match\);/);
          assert.match(c, /\tKMOD_I2C_PROBE\(sens_probe\),\n/);
          assert.match(c, /module_i2c_driver\(sens_driver\);/);
          assert.doesNotMatch(c, /LINUX_VERSION_CODE|probe_new|REGCACHE_(RBTREE|MAPLE)|of_match_ptr/, 'version differences live in kmod_compat.h');
          const compat = read('kmod_compat.h');
          assert.match(compat, /#define KMOD_I2C_PROBE\(fn\)\t\.probe_new = \(fn\)/);
          assert.match(compat, /#define KMOD_REGCACHE_SPARSE\tREGCACHE_RBTREE/);
          assert.match(read('dts/sens.dtso'), /temperature-sensor@48 \{\n\t+compatible = "kmod,sens";\n\t+reg = <0x48>;/);
          assert.match(read('Makefile'), /^DTBOS := dts\/sens\.dtbo$/m);
          // make vmtest compiles the overlays as make dtbo does (same warnings shown, none hidden).
          const flags = /\$\(DTC\) (-@ -I dts -O dtb -W\S+ -W\S+) -o/.exec(read('Makefile'))?.[1];
          assert.ok(flags, 'the Makefile has a dtbo rule');
          assert.ok(read('scripts/vmtest.sh').includes(`dtc ${flags} -o "$b" "$o"`), `vmtest.sh compiles overlays with ${flags}`);
        });
      }
    }
  }
});

describe('yo kmod:i2c: options', () => {
  it('address and compatible reach the overlay, the README and .yo-rc.json, written canonically', async () => {
    await runI2c({ yes: true, name: 'tmp1', address: '0x4A', compatible: 'acme,tmp1' });
    assert.match(read('dts/tmp1.dtso'), /temperature-sensor@4a \{\n\t+compatible = "acme,tmp1";\n\t+reg = <0x4a>;/);
    const readme = read('README.md');
    assert.match(readme, /### tmp1 \(I2C driver\)/);
    assert.match(readme, /echo tmp1 0x4a \| sudo tee \/sys\/bus\/i2c\/devices\/i2c-N\/new_device/);
    assert.match(readme, /modprobe i2c-stub chip_addr=0x4a/);
    const rc = JSON.parse(read('.yo-rc.json')) as Record<string, { modules: { kind: string; settings: Record<string, string> }[] }>;
    assert.deepEqual(rc['generator-kmod']?.modules[0], {
      name: 'tmp1',
      kind: 'i2c',
      description: 'I2C temperature sensor driver tmp1',
      settings: { compatible: 'acme,tmp1', address: '0x4a', class: 'hwmon', regBits: '8', valBits: '16', kunit: 'yes' },
    });
  });

  it('--kunit no: no KUnit test, the header stays', async () => {
    await runI2c({ yes: true, name: 'quiet', kunit: 'no' });
    assert.ok(!readdirSync(result.cwd).includes('quiet_kunit.c'), 'no quiet_kunit.c');
    assert.match(read('quiet.c'), /^#include "quiet_temp\.h"$/m);
    assert.doesNotMatch(read('Kbuild'), /CONFIG_KUNIT/);
  });

  it('the I2C part of kmod_compat.h appears with the first I2C driver; a second one joins the project', async () => {
    const dir = tmp();
    await runApp({ yes: true }, dir);
    assert.doesNotMatch(read('kmod_compat.h', dir), /i2c|hwmon/i);
    await runI2c({ yes: true, name: 'one' }, dir);
    await runI2c({ yes: true, name: 'two', class: 'sysfs', address: '0x49' }, dir);
    assert.match(read('kmod_compat.h', dir), /KMOD_HAVE_I2C_PROBE_CLIENT_ONLY/);
    assert.match(read('Kbuild', dir), /^obj-m \+= hello\.o\nobj-m \+= one\.o\nobj-m \+= two\.o$/m);
    assert.match(read('Makefile', dir), /^DTBOS := dts\/one\.dtbo dts\/two\.dtbo$/m);
  });
});

describe('yo kmod:i2c refuses invalid input and writes nothing', () => {
  const cases: [string[], RegExp][] = [
    [['--name', 'a_twenty_char_name_x'], /--name: I2C driver name 'a_twenty_char_name_x' is 20 characters long: I2C device names are limited to 19 \(I2C_NAME_SIZE\)/],
    [['--address', '0x78'], /--address: address 0x78 is reserved: I2C address must be a 7-bit address in hex from 0x08 to 0x77/],
    [['--address', '0x07'], /--address: address 0x07 is reserved/],
    [['--address', '72'], /--address: address '72' is not allowed/],
    [['--address', '0x123'], /--address: address '0x123' is not allowed/],
    [['--class', 'iio'], /--class: class 'iio' is not allowed: use 'hwmon' or 'sysfs'/],
    [['--reg-bits', '32'], /--reg-bits: register address width '32' is not allowed: use '8' or '16'/],
    [['--val-bits', '12'], /--val-bits: register value width '12' is not allowed: use '8' or '16'/],
    [['--kunit', 'maybe'], /--kunit: kunit 'maybe' is not allowed: use 'yes' or 'no'/],
    [['--compatible', 'Acme,X'], /--compatible: compatible 'Acme,X' is not allowed/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), () => {
      const dir = tmp();
      const r = runCli(dir, ['i2c', '--yes', ...args]);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, message);
      assert.deepEqual(readdirSync(dir), [], 'nothing written');
    });
  }
});
