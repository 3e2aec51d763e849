import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { result } from 'yeoman-test';
import { PLATFORM_FEATURES, normalizeFeatures } from '../../generators/platform/index.js';
import { virtPlacement } from '../../generators/platform/dt.js';
import { runApp, runPlatform } from '../support/run-app.js';
import { subsets } from '../support/subsets.js';

const FEATURES = PLATFORM_FEATURES.map((f) => f.value);

/** What each optional part must (and, when off, must not) put into the generated files. */
const MARKERS: Record<string, { driver: RegExp[]; testdev: RegExp[]; dtso: RegExp[] }> = {
  mmio: {
    driver: [/devm_platform_ioremap_resource\(pdev, 0\)/, /void __iomem \*base;/, /#include <linux\/io\.h>/],
    testdev: [/DEFINE_RES_MEM\(mmio_base, 0x1000\)/, /module_param\(mmio_base, ulong, 0444\)/],
    dtso: [/reg = <0x0 0x5f[ef][0-9a-f]{5} 0x0 0x1000>;/, /no-map;/],
  },
  irq: {
    driver: [/devm_request_irq\(dev, priv->irq, /, /platform_get_irq\(pdev, 0\)/, /static irqreturn_t /],
    testdev: [/DEFINE_RES_IRQ\(line\)/, /module_param_cb\(raise_irq, &raise_irq_ops, NULL, 0200\);/, /generic_handle_irq\(own_irq\);/],
    dtso: [/interrupts = <0 \d+ 4>;/],
  },
  sysfs: { driver: [/static DEVICE_ATTR_RW\(value\);/, /\.dev_groups = /, /sysfs_emit/], testdev: [], dtso: [] },
  pm: { driver: [/DEFINE_SIMPLE_DEV_PM_OPS\(/, /\.pm = pm_sleep_ptr\(/], testdev: [], dtso: [] },
};

describe('yo kmod:platform: every combination of optional parts', () => {
  for (const chosen of subsets(FEATURES)) {
    const features = chosen.length ? chosen.join(',') : 'none';
    it(`--features ${features}`, async () => {
      await runPlatform({ yes: true, name: 'pd', features });
      const driver = readFileSync(path.join(result.cwd, 'pd.c'), 'utf8');
      const testdev = readFileSync(path.join(result.cwd, 'pd_testdev.c'), 'utf8');
      const dtso = readFileSync(path.join(result.cwd, 'dts/pd.dtso'), 'utf8');
      for (const f of FEATURES) {
        const on = chosen.includes(f);
        const m = MARKERS[f];
        assert.ok(m);
        for (const re of m.driver) assert.equal(re.test(driver), on, `${f} ${on ? 'missing' : 'present'} in driver: ${re}`);
        for (const re of m.testdev) assert.equal(re.test(testdev), on, `${f} in testdev: ${re}`);
        for (const re of m.dtso) assert.equal(re.test(dtso), on, `${f} in overlay: ${re}`);
      }
      // Always there, whatever the options.
      assert.match(driver, /\.remove = KMOD_PLATFORM_REMOVE\(pd_remove\),/);
      assert.match(driver, /MODULE_DEVICE_TABLE\(of, pd_of_match\);/);
      assert.match(driver, /MODULE_DEVICE_TABLE\(platform, pd_id_table\);/);
      assert.match(driver, /module_platform_driver\(pd_driver\);/);
      assert.match(driver, /devm_kzalloc\(dev, sizeof\(\*priv\), GFP_KERNEL\)/);
      assert.doesNotMatch(driver, /LINUX_VERSION_CODE|remove_new/);
      assert.match(testdev, /TEST ONLY/);
      const probe = driver.slice(driver.indexOf('static int pd_probe('), driver.indexOf('static void pd_remove('));
      assert.equal(/int ret;/.test(probe), chosen.includes('irq'), 'probe declares ret only when it uses it');
    });
  }
});

describe('yo kmod:platform options and project', () => {
  it('defaults: all parts, compatible kmod,<name>, the project around it', async () => {
    await runPlatform({ yes: true, name: 'my_dev' });
    result.assertFile(['my_dev.c', 'my_dev_testdev.c', 'dts/my_dev.dtso', 'Kbuild', 'Makefile', 'dkms.conf', 'README.md', 'kmod_compat.h']);
    result.assertFileContent('my_dev.c', '{ .compatible = "kmod,my-dev" },');
    result.assertFileContent('my_dev.c', '{ "my_dev" },');
    result.assertFileContent('dts/my_dev.dtso', 'compatible = "kmod,my-dev";');
    // The test device is built only when asked (make vmtest does), and is no DKMS module.
    result.assertFileContent('Kbuild', /^obj-m \+= my_dev\.o\n(#.*\n)+obj-\$\(if \$\(KMOD_TEST_MODULES\),m\) \+= my_dev_testdev\.o$/m);
    result.assertNoFileContent('dkms.conf', /testdev/);
    result.assertFileContent('Makefile', /^TEST_MODULES := my_dev_testdev$/m);
    result.assertFileContent('Makefile', /^DTBOS := dts\/my_dev\.dtbo$/m);
    result.assertFileContent('README.md', 'compatible = "kmod,my-dev";');
    const rc = JSON.parse(readFileSync(path.join(result.cwd, '.yo-rc.json'), 'utf8'))['generator-kmod'];
    assert.deepEqual(rc.modules[0].settings, { compatible: 'kmod,my-dev', features: 'mmio,irq,sysfs,pm' });
  });

  it('--compatible reaches the OF table, the overlay and the README', async () => {
    await runPlatform({ yes: true, name: 'pd', compatible: 'acme,widget-2.0' });
    result.assertFileContent('pd.c', '{ .compatible = "acme,widget-2.0" },');
    result.assertFileContent('dts/pd.dtso', 'compatible = "acme,widget-2.0";');
  });

  it('features are saved in canonical order', () => {
    assert.equal(normalizeFeatures('pm,mmio,mmio'), 'mmio,pm');
    assert.equal(normalizeFeatures(''), 'none');
    assert.equal(normalizeFeatures('none'), 'none');
  });

  it('takes the answers from the prompts (checkbox for the parts)', async () => {
    await runPlatform().withAnswers({
      name: 'asked',
      description: 'Asked',
      author: 'A <a@b.c>',
      license: 'GPL-2.0-only',
      version: '1.0',
      compatible: 'acme,asked',
      features: ['irq', 'pm'],
    });
    result.assertFileContent('asked.c', 'devm_request_irq');
    result.assertNoFileContent('asked.c', 'devm_platform_ioremap_resource');
    result.assertFileContent('asked.c', '{ .compatible = "acme,asked" },');
  });

  it('is added to an existing project next to hello, and a second run changes nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmod-plat-'));
    await runApp({ yes: true }, dir);
    await runPlatform({ yes: true, name: 'pd' }, dir);
    const kbuild = readFileSync(path.join(dir, 'Kbuild'), 'utf8');
    assert.match(kbuild, /^obj-m \+= hello\.o\nobj-m \+= pd\.o\n(#.*\n)+obj-\$\(if \$\(KMOD_TEST_MODULES\),m\) \+= pd_testdev\.o$/m);
    await runPlatform({ yes: true, name: 'pd' }, dir);
    assert.equal(readFileSync(path.join(dir, 'Kbuild'), 'utf8'), kbuild);
  });

  it("drivers whose names hash to the same window and SPI get their own; the first one's overlay does not move", async () => {
    // Two names whose hashes pick the same GIC SPI and the same register window.
    const names = Array.from({ length: 200_000 }, (_, i) => `pd${i}`);
    const first = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (const n of names) {
      const p = virtPlacement(n);
      const key = `${p.spi}/${p.address}`;
      const other = first.get(key);
      if (other) {
        pair = [other, n];
        break;
      }
      first.set(key, n);
    }
    assert.ok(pair, 'two names with the same window and SPI');
    const [a, b] = pair;
    const dir = mkdtempSync(path.join(tmpdir(), 'kmod-plat-'));
    await runPlatform({ yes: true, name: a }, dir);
    const alone = readFileSync(path.join(dir, 'dts', `${a}.dtso`), 'utf8');
    await runPlatform({ yes: true, name: b }, dir);
    assert.equal(readFileSync(path.join(dir, 'dts', `${a}.dtso`), 'utf8'), alone, 'adding a driver moves no other');
    const place = (n: string) => {
      const dtso = readFileSync(path.join(dir, 'dts', `${n}.dtso`), 'utf8');
      const test = readFileSync(path.join(dir, 'tests', `${n}.sh`), 'utf8');
      const reg = /reg = <0x0 0x([0-9a-f]+) 0x0 0x1000>;/.exec(dtso)?.[1];
      const spi = /interrupts = <0 (\d+) 4>;/.exec(dtso)?.[1];
      assert.ok(reg && spi, dtso);
      assert.ok(test.includes(`/sys/firmware/devicetree/base/${n}@${reg} `), `the test looks for the node where the overlay puts it:\n${test}`);
      return { reg, spi };
    };
    const pa = place(a);
    const pb = place(b);
    assert.equal(pa.reg, virtPlacement(a).address);
    assert.notEqual(pb.reg, pa.reg);
    assert.notEqual(pb.spi, pa.spi);
  });
});

describe('yo kmod:platform: the interrupt handler claims only what the device raised', () => {
  it('with registers: reads the status, IRQ_NONE for none or all ones, acknowledges what it handles', async () => {
    await runPlatform({ yes: true, name: 'pd', features: 'mmio,irq' });
    const c = readFileSync(path.join(result.cwd, 'pd.c'), 'utf8');
    const handler = c.slice(c.indexOf('static irqreturn_t pd_irq('), c.indexOf('static int pd_probe('));
    assert.match(handler, /status = readl\(priv->base \+ PD_REG_IRQ_STATUS\);\n\tif \(!status \|\| status == U32_MAX\)\n\t\treturn IRQ_NONE;\n\twritel\(status, priv->base \+ PD_REG_IRQ_ACK\);\n\tatomic_inc\(&priv->irq_count\);\n\treturn IRQ_HANDLED;/);
    assert.match(c, /^#define PD_REG_IRQ_STATUS\t0x00$/m);
  });

  it('the test device raises a line of its own; make vmtest checks that the driver leaves it unhandled', async () => {
    await runPlatform({ yes: true, name: 'pd', features: 'mmio,irq' });
    const testdev = readFileSync(path.join(result.cwd, 'pd_testdev.c'), 'utf8');
    assert.match(testdev, /line = __irq_alloc_descs\(-1, 1, 1, NUMA_NO_NODE, NULL, NULL\);/, 'no owner: the driver does not pin the test module');
    assert.match(testdev, /irq_set_chip_and_handler\(line, &dummy_irq_chip, handle_simple_irq\);/);
    assert.match(testdev, /irq_work_queue\(&testdev_irq_work\);\n\tirq_work_sync\(&testdev_irq_work\);/);
    assert.match(testdev, /platform_device_unregister\(testdev\);\n\ttestdev_irq_free\(\);/, 'the device (and the handler) goes before the line');
    const t = readFileSync(path.join(result.cwd, 'tests/pd.sh'), 'utf8');
    assert.match(t, /\tcheck "no interrupt \$IRQ unhandled yet" grep -qx "unhandled 0" \/proc\/irq\/\$IRQ\/spurious\n.*echo 1 >\/sys\/module\/pd_testdev\/parameters\/raise_irq'\n\tcheck "the driver does not claim it" grep -qx "unhandled 1" \/proc\/irq\/\$IRQ\/spurious/);
  });

  it('without registers: nothing to ask the device, so nothing is claimed', async () => {
    await runPlatform({ yes: true, name: 'pd', features: 'irq,sysfs' });
    const c = readFileSync(path.join(result.cwd, 'pd.c'), 'utf8');
    const handler = c.slice(c.indexOf('static irqreturn_t pd_irq('), c.indexOf('static ssize_t value_show('));
    assert.match(handler, /Device-specific: ask the device whether it raised the interrupt/);
    assert.match(handler, /\treturn IRQ_NONE;\n\}/);
    assert.doesNotMatch(c, /return IRQ_HANDLED|irq_count/);
  });
});

describe('yo kmod:platform refuses invalid input and writes nothing', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ name: 'x'.repeat(20) }, /--name: .*20 characters long: platform device names are limited to 19 \(PLATFORM_NAME_SIZE\)/],
    [{ name: 'Bad' }, /--name: .*lower-case C identifier/],
    [{ compatible: 'nocomma' }, /--compatible: compatible 'nocomma' is not allowed: compatible must be 'vendor,device'/],
    [{ compatible: 'Acme,x' }, /--compatible: .*lower-case/],
    [{ compatible: 'acme,"x"' }, /--compatible: .*not allowed/],
    [{ features: 'mmio,dma' }, /--features: feature 'dma' not known: .*mmio, irq, sysfs, pm, or none/],
  ];
  for (const [options, message] of cases) {
    it(JSON.stringify(options), async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'kmod-plat-bad-'));
      await assert.rejects(runPlatform({ yes: true, ...options }, dir), message);
      assert.deepEqual(readdirSync(dir), []);
    });
  }
});
