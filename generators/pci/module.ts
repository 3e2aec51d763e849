/** kmod:pci's module: a test program when it has a /dev node. */
import { featuresOf, type KindModule } from '../lib/kind-module.js';

export const PCI_MODULE: KindModule = {
  kernelConfigs: () => ['CONFIG_PCI'],
  kernelApis: () => ['simple_dev_pm_ops', 'pci_dev_groups', 'pci_irq_intx', 'pcim_iomap'],
  tool: (e) => featuresOf(e).includes('chardev'),
};
