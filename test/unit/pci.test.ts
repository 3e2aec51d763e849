import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { result } from 'yeoman-test';
import { PCI_FEATURES } from '../../generators/pci/index.js';
import { runCli } from '../support/cli.js';
import { runApp, runPci } from '../support/run-app.js';
import { subsets } from '../support/subsets.js';

const FEATURES = PCI_FEATURES.map((f) => f.value);

/** What each optional part must (and, when off, must not) put into the driver. */
const MARKERS: Record<string, RegExp[]> = {
  irq: [/pci_alloc_irq_vectors\(pdev, 1, 1, /, /devm_request_irq\(&pdev->dev, pci_irq_vector\(pdev, 0\), pd_irq, IRQF_SHARED/, /static irqreturn_t pd_irq\(/],
  msi: [/module_param\(msi, bool, 0444\);/, /PCI_IRQ_MSIX \| PCI_IRQ_MSI \| PCI_IRQ_INTX/],
  dma: [/dma_set_mask_and_coherent\(dev, DMA_BIT_MASK\(28\)\)/, /dmam_alloc_coherent\(/, /pci_set_master\(/, /pd_dma_selftest\(priv\)/],
  sysfs: [/KMOD_PCI_DEV_GROUPS\(pd_groups\),/, /static DEVICE_ATTR_RO\(ident\);/, /static DEVICE_ATTR_RW\(factorial\);/],
  pm: [/static DEFINE_SIMPLE_DEV_PM_OPS\(pd_pm_ops, pd_suspend, pd_resume\);/, /\.driver\.pm = pm_sleep_ptr\(&pd_pm_ops\),/],
  chardev: [/misc_register\(&priv->misc\)/, /fixed_size_llseek\(/, /kref_get\(/, /static DEFINE_IDA\(pd_ida\);/],
};

/** The combinations the generator accepts: msi needs irq, chardev needs dma. */
const VALID = subsets(FEATURES).filter((s) => (!s.includes('msi') || s.includes('irq')) && (!s.includes('chardev') || s.includes('dma')));

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'kmod-pci-'));
}

describe('yo kmod:pci: every accepted combination of optional parts', () => {
  for (const chosen of VALID) {
    const features = chosen.length ? chosen.join(',') : 'none';
    it(`--features ${features}`, async () => {
      await runPci({ yes: true, name: 'pd', features });
      const driver = readFileSync(path.join(result.cwd, 'pd.c'), 'utf8');
      for (const f of FEATURES) {
        const on = chosen.includes(f);
        for (const re of MARKERS[f] ?? []) assert.equal(re.test(driver), on, `${f} ${on ? 'missing' : 'present'}: ${re}`);
      }
      assert.equal(existsSync(path.join(result.cwd, 'tools/pd_test.c')), chosen.includes('chardev'), 'test program only with the char device');
      // Always there, whatever the options.
      assert.match(driver, /ret = pcim_enable_device\(pdev\);/);
      assert.match(driver, /priv->regs = kmod_pcim_iomap_region\(pdev, PD_BAR, KBUILD_MODNAME\);/);
      assert.match(driver, /\{ PCI_DEVICE\(PD_VENDOR_ID, PD_DEVICE_ID\) \},/);
      assert.match(driver, /MODULE_DEVICE_TABLE\(pci, pd_ids\);/);
      assert.match(driver, /module_pci_driver\(pd_driver\);/);
      assert.doesNotMatch(driver, /LINUX_VERSION_CODE|PCI_IRQ_LEGACY|pcim_iomap_table/, 'version differences live in kmod_compat.h');
      const compat = readFileSync(path.join(result.cwd, 'kmod_compat.h'), 'utf8');
      assert.match(compat, /#define PCI_IRQ_INTX\tPCI_IRQ_LEGACY/);
      assert.match(compat, /static inline void __iomem \*kmod_pcim_iomap_region\(/);
      const makefile = readFileSync(path.join(result.cwd, 'Makefile'), 'utf8');
      assert.equal(/^TOOLS := tools\/pd_test$/m.test(makefile), chosen.includes('chardev'));
    });
  }
});

describe('yo kmod:pci: IDs, profile and DMA width', () => {
  it('edu by default: its IDs, 28 DMA bits, its registers without "Device-specific" marks', async () => {
    await runPci({ yes: true, name: 'edu' });
    const c = readFileSync(path.join(result.cwd, 'edu.c'), 'utf8');
    assert.match(c, /^#define EDU_VENDOR_ID\t0x1234$/m);
    assert.match(c, /^#define EDU_DEVICE_ID\t0x11e8$/m);
    assert.match(c, /DMA_BIT_MASK\(28\)/);
    assert.doesNotMatch(c, /DMA_BIT_MASK\(32\)/, 'no 32-bit fallback below 32 bits');
    assert.match(c, /static DEVICE_ATTR_RW\(liveness\);/);
    assert.doesNotMatch(c, /Device-specific/);
    assert.match(c, /QEMU 7\.2's edu stops the whole virtual/, 'the reason for the unused last byte is said');
    assert.match(readFileSync(path.join(result.cwd, 'README.md'), 'utf8'), /### edu \(PCI driver\)[\s\S]*-device edu/);
  });

  it('--profile none: the skeleton, parts marked, 64-bit DMA with a 32-bit fallback', async () => {
    await runPci({ yes: true, name: 'mine', profile: 'none', vendor: '0xABC', device: '0x1', subvendor: '0x1AF4', subdevice: 'any', class: '0x0C0330' });
    const c = readFileSync(path.join(result.cwd, 'mine.c'), 'utf8');
    assert.match(c, /^#define MINE_VENDOR_ID\t0x0abc$/m, 'IDs written lower-case with four digits');
    assert.match(c, /^#define MINE_DEVICE_ID\t0x0001$/m);
    assert.match(c, /^#define MINE_SUBVENDOR_ID\t0x1af4$/m);
    assert.match(c, /^#define MINE_SUBDEVICE_ID\tPCI_ANY_ID$/m);
    assert.match(c, /^#define MINE_CLASS\t0x0c0330$/m);
    assert.match(c, /PCI_DEVICE_SUB\(MINE_VENDOR_ID, MINE_DEVICE_ID,\n\t+ +MINE_SUBVENDOR_ID, MINE_SUBDEVICE_ID\),\n\t\t\.class = MINE_CLASS,\n\t\t\.class_mask = 0xffffff,/);
    assert.match(c, /DMA_BIT_MASK\(64\)\);\n.*\n\tif \(ret\)\n\t\tret = dma_set_mask_and_coherent\(dev, DMA_BIT_MASK\(32\)\);/);
    assert.match(c, /Device-specific: the registers/);
    assert.doesNotMatch(c, /liveness|factorial/, 'edu-only attributes left out');
    const rc = JSON.parse(readFileSync(path.join(result.cwd, '.yo-rc.json'), 'utf8')) as Record<string, { modules: { settings: Record<string, string> }[] }>;
    const settings = rc['generator-kmod']?.modules[0]?.settings;
    assert.equal(settings?.vendor, '0x0abc');
    assert.equal(settings?.class, '0x0c0330');
    assert.equal(settings?.dmaBits, '64');
  });

  it("--profile none on edu's IDs (the default) keeps edu's 28 DMA bits: edu drops higher address bits", async () => {
    await runPci({ yes: true, name: 'skel', profile: 'none', vendor: '0x1234', device: '0x11E8' });
    const c = readFileSync(path.join(result.cwd, 'skel.c'), 'utf8');
    assert.match(c, /Device-specific: the registers/);
    assert.match(c, /DMA_BIT_MASK\(28\)/);
    assert.doesNotMatch(c, /DMA_BIT_MASK\(64\)/);
  });

  it('the PCI part of kmod_compat.h appears when a project gets its first PCI driver', async () => {
    const dir = tmp();
    await runApp({ yes: true }, dir);
    assert.doesNotMatch(readFileSync(path.join(dir, 'kmod_compat.h'), 'utf8'), /pci/i);
    await runPci({ yes: true, name: 'pd' }, dir);
    const compat = readFileSync(path.join(dir, 'kmod_compat.h'), 'utf8');
    assert.match(compat, /#include <linux\/pci\.h>/);
    assert.match(compat, /KMOD_HAVE_PCI_DRIVER_DEV_GROUPS/);
    assert.match(readFileSync(path.join(dir, 'Kbuild'), 'utf8'), /^obj-m \+= hello\.o\nobj-m \+= pd\.o$/m);
  });
});

describe('yo kmod:pci: review of #20', () => {
  it('the interrupt handler takes an all-ones status (no device answered) for not its own', async () => {
    await runPci({ yes: true, name: 'pd' });
    const c = readFileSync(path.join(result.cwd, 'pd.c'), 'utf8');
    const handler = c.slice(c.indexOf('static irqreturn_t pd_irq('), c.indexOf('return IRQ_HANDLED;'));
    assert.match(handler, /causes = readl\(priv->regs \+ PD_REG_IRQ_STATUS\);\n(\t( \*|\/\*).*\n)+\tif \(!causes \|\| causes == U32_MAX\)\n\t\treturn IRQ_NONE;\n\twritel\(causes, /);
  });

  it('the interrupt is named after the device; PM and the interrupt type are debug messages', async () => {
    await runPci({ yes: true, name: 'pd' });
    const c = readFileSync(path.join(result.cwd, 'pd.c'), 'utf8');
    assert.match(c, /name = devm_kasprintf\(&pdev->dev, GFP_KERNEL, "%s:%s", KBUILD_MODNAME, pci_name\(pdev\)\);\n\tif \(!name\)\n\t\treturn -ENOMEM;/);
    assert.match(c, /ret = devm_request_irq\(&pdev->dev, pci_irq_vector\(pdev, 0\), pd_irq, IRQF_SHARED, name,\s+priv\);/);
    assert.doesNotMatch(c, /IRQF_SHARED, KBUILD_MODNAME/);
    assert.match(c, /dev_dbg\(dev, "suspend\\n"\);/);
    assert.match(c, /dev_dbg\(dev, "resume\\n"\);/);
    assert.match(c, /dev_dbg\(&pdev->dev, "%s interrupt %d\\n",/);
    assert.doesNotMatch(c, /dev_info\(dev, "(suspend|resume)/);
  });

  it("make vmtest's test runs the selftest, holds the node across an unbind, and finds the interrupt by device", async () => {
    await runPci({ yes: true, name: 'pd' });
    const t = readFileSync(path.join(result.cwd, 'tests/pd.sh'), 'utf8');
    assert.match(t, /\.\/tools\/pd_test selftest \/dev\/pd0$/m);
    assert.match(t, /\.\/tools\/pd_test hold \/dev\/pd0 60 /);
    const hold = t.indexOf('pd_test hold');
    const unbind = t.indexOf('check "unbind while it is open"');
    const enodev = t.indexOf('check "the open file gets ENODEV"');
    assert.ok(hold > 0 && unbind > hold && enodev > unbind, 'hold, then unbind, then ENODEV');
    assert.match(t, /grep -q "No such device" \/tmp\/pd\.hold/);
    assert.match(t, /grep -q " pd:\$BDF\$" \/proc\/interrupts/);
  });

  it("the test program's round trip writes elsewhere before it reads: a read without DMA fails it", async () => {
    await runPci({ yes: true, name: 'pd' });
    const t = readFileSync(path.join(result.cwd, 'tools/pd_test.c'), 'utf8');
    const rt = t.slice(t.indexOf('static int round_trip('), t.indexOf('static int selftest('));
    const write = rt.indexOf('n = pwrite(fd, out, len, off);');
    const other = rt.indexOf('pwrite(fd, &other, 1, other_off)');
    const read = rt.indexOf('n = pread(fd, in, len, off);');
    assert.ok(write > 0 && other > write && read > other, 'write, the other byte, then read');
    assert.match(rt, /other = \(unsigned char\)~out\[0\];/, 'the other byte differs from the first one read');
  });

  it('without the char device the test unbinds without a holder', async () => {
    await runPci({ yes: true, name: 'pd', features: 'irq,msi,dma,sysfs,pm' });
    const t = readFileSync(path.join(result.cwd, 'tests/pd.sh'), 'utf8');
    assert.doesNotMatch(t, /hold|tools\//);
    assert.match(t, /check "unbind" sh -c "echo \$BDF >\/sys\/bus\/pci\/drivers\/pd\/unbind"/);
  });
});

describe('yo kmod:pci refuses invalid input and writes nothing', () => {
  const cases: [string[], RegExp][] = [
    [['--features', 'msi'], /--features: features 'msi' not allowed: msi needs irq/],
    [['--features', 'irq,chardev'], /chardev moves data by DMA and needs dma/],
    [['--features', 'irq', '--dma-bits', '32'], /--dma-bits: --dma-bits needs the dma feature/],
    [['--vendor', '0xffff'], /--vendor: vendor ID 0xffff is not a valid ID: vendor ID must be a 16-bit PCI ID in hex/],
    [['--device', '11e8'], /--device: device ID '11e8' is not allowed/],
    [['--subvendor', 'some'], /--subvendor: .*, or any$/m],
    [['--class', '0x0200'], /--class: class '0x0200' is not allowed: .*all six digits/],
    [['--bar', '6'], /--bar: BAR 6 is out of range: BAR must be a whole number from 0 to 5/],
    [['--dma-bits', '16'], /--dma-bits: DMA bits 16 is out of range/],
    [['--profile', 'e1000'], /--profile: profile 'e1000' is not allowed: use 'edu' or 'none'/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), () => {
      const dir = tmp();
      const r = runCli(dir, ['pci', '--yes', ...args]);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, message);
      assert.deepEqual(readdirSync(dir), [], 'nothing written');
    });
  }
});
