import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { result } from 'yeoman-test';
import { runCli } from '../support/cli.js';
import { runNetdev } from '../support/run-app.js';

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'kmod-netdev-'));
}

describe('yo kmod:netdev', () => {
  it('a virtual Ethernet driver: echo replies, 64-bit stats, ethtool, carrier, devices= default', async () => {
    await runNetdev({ yes: true, name: 'vn', devices: '3' });
    const c = readFileSync(path.join(result.cwd, 'vn.c'), 'utf8');
    assert.match(c, /^static unsigned int devices = 3;\nmodule_param\(devices, uint, 0444\);$/m);
    assert.match(c, /MODULE_PARM_DESC\(devices, "Network devices to create, 1-16 \(default 3\)"\);/);
    assert.match(c, /dev = alloc_netdev\(sizeof\(struct vn_priv\), "vn%d", NET_NAME_ENUM, vn_setup\);/);
    assert.match(c, /\.ndo_get_stats64 = vn_get_stats64,/);
    assert.match(c, /u64_stats_fetch_begin\(&priv->syncp\)/);
    assert.match(c, /\.get_link = ethtool_op_get_link,/);
    assert.match(c, /netif_carrier_on\(dev\);\n\tnetif_start_queue\(dev\);/);
    assert.match(c, /if \(dev_forward_skb\(dev, skb\) == NET_RX_SUCCESS\)/);
    assert.match(c, /consume_skb\(skb\);/);
    assert.match(c, /^#include "vn_echo\.h"$/m);
    assert.match(c, /reply = vn_make_echo_reply\(skb\);/);
    // The echo reply lives in one header, shared with the KUnit test.
    const h = readFileSync(path.join(result.cwd, 'vn_echo.h'), 'utf8');
    assert.match(h, /^static inline bool vn_make_echo_reply\(struct sk_buff \*skb\)$/m);
    assert.match(h, /skb_ensure_writable\(skb, ETH_HLEN \+ ihl \+ sizeof\(\*icmph\)\)/, 'shared frames are copied before the reply is written');
    const k = readFileSync(path.join(result.cwd, 'vn_kunit.c'), 'utf8');
    for (const t of ['vn_request_becomes_reply', 'vn_others_unchanged', 'vn_clone_untouched']) assert.match(k, new RegExp(`KUNIT_CASE\\(${t}\\),`));
    assert.match(readFileSync(path.join(result.cwd, 'Kbuild'), 'utf8'), /^obj-\$\(if \$\(CONFIG_KUNIT\),m\) \+= vn_kunit\.o$/m);
    assert.match(c, /err_free:\n\tfree_netdev\(dev\);\nerr_destroy:\n\tvn_destroy\(i\);/, 'init unwinds with goto');
    assert.doesNotMatch(c, /LINUX_VERSION_CODE|netif_rx_ni|fetch_begin_irq/);
    const readme = readFileSync(path.join(result.cwd, 'README.md'), 'utf8');
    assert.match(readme, /### vn \(network device\)[\s\S]*ping -c 3 10\.11\.0\.2/);
    const rc = JSON.parse(readFileSync(path.join(result.cwd, '.yo-rc.json'), 'utf8')) as Record<string, { modules: { kind: string; settings: unknown }[] }>;
    assert.deepEqual(rc['generator-kmod']?.modules[0]?.settings, { devices: '3', kunit: 'yes' });
  });

  const cases: [string[], RegExp][] = [
    [['--name', 'abcdefghijklmn'], /--name: network driver name 'abcdefghijklmn' is 14 characters long: .*IFNAMSIZ.*at most 13/],
    [['--devices', '0'], /--devices: number of devices 0 is out of range: number of devices must be a whole number from 1 to 16/],
    [['--devices', '17'], /--devices: number of devices 17 is out of range/],
    [['--devices', 'two'], /--devices: number of devices 'two' is not a whole number/],
  ];
  for (const [args, message] of cases) {
    it(`refuses ${args.join(' ')} and writes nothing`, () => {
      const dir = tmp();
      const r = runCli(dir, ['netdev', '--yes', ...args]);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, message);
      assert.deepEqual(readdirSync(dir), [], 'nothing written');
    });
  }
});
