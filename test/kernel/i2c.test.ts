/**
 * Kernel suite for `yo kmod:i2c`, beyond the kernel matrix (where the
 * drivers are built, checked and bound to i2c-stub chips in QEMU): the
 * device-tree overlays, compiled by dtc and applied with fdtoverlay to a
 * board tree whose I2C controller has the alias i2c0 and no labels (as the
 * kernel's vexpress trees, where cross.test.ts boots them).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { execOk } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { generate, makeOk } from './support/kbuild.js';
import { I2C_VARIANTS } from './support/i2c.js';

/** A minimal board: one I2C controller with the alias the overlays target. */
const BOARD = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	aliases {
		i2c0 = "/i2c@10000";
	};
	i2c@10000 {
		compatible = "acme,i2c";
		reg = <0x10000 0x100>;
		#address-cells = <1>;
		#size-cells = <0>;
		status = "disabled";
	};
};
`;

withKernelEnv('yo kmod:i2c', () => {
  it('the overlay of every variant compiles with dtc and, applied to a board, puts the chip on the controller aliased i2c0 at its address', () => {
    const dir = generate(['--name', 'hello']);
    for (const args of I2C_VARIANTS.map(([name, a]) => ['i2c', '--name', name, ...a])) generate(args, dir);
    const r = makeOk(dir, ['dtbo']);
    assert.doesNotMatch(r.stdout + r.stderr, /warning|error/i, r.stdout + r.stderr);
    const work = mkdtempSync(path.join(tmpdir(), 'kmod-dt-'));
    writeFileSync(path.join(work, 'board.dts'), BOARD);
    execOk('dtc', ['-I', 'dts', '-O', 'dtb', '-o', path.join(work, 'board.dtb'), path.join(work, 'board.dts')]);
    for (const [name, args] of I2C_VARIANTS) {
      const option = (o: string) => (args.includes(o) ? args[args.indexOf(o) + 1] : undefined);
      const address = option('--address') ?? '0x48';
      const compatible = option('--compatible') ?? `kmod,${name.replace(/_/g, '-')}`;
      const merged = path.join(work, `${name}.dtb`);
      execOk('fdtoverlay', ['-i', path.join(work, 'board.dtb'), '-o', merged, path.join(dir, 'dts', `${name}.dtbo`)]);
      const node = `/i2c@10000/temperature-sensor@${Number(address).toString(16)}`;
      assert.equal(execOk('fdtget', [merged, node, 'compatible']).stdout.trim(), compatible, `${name}: ${node}`);
      assert.equal(Number(execOk('fdtget', ['-tx', merged, node, 'reg']).stdout.trim().replace(/^/, '0x')), Number(address));
      assert.equal(execOk('fdtget', [merged, '/i2c@10000', 'status']).stdout.trim(), 'okay', 'the overlay enables the controller');
    }
  });
});
