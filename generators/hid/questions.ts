/**
 * kmod:hid's questions: the device's IDs and bus, and the driver's optional
 * parts. The defaults describe the generated test device (tools/<name>_test,
 * a uhid program), so the default driver runs as generated.
 */
import { oneOf, someOf, type Question } from '../lib/questions.js';
import { normalizeHex, validateUsbId } from '../lib/validate.js';

/** pid.codes' test IDs (1209:0001, reserved for testing): what the generated uhid test device uses. */
export const HID_TEST_DEVICE = { vendor: '0x1209', product: '0x0001' } as const;

/** The buses a HID device comes on, with their hid_device_id macro and the uhid bus number. */
export const HID_BUSES = [
  { value: 'usb', name: 'usb: HID_USB_DEVICE (usbhid)', macro: 'HID_USB_DEVICE', bus: 'BUS_USB' },
  { value: 'bluetooth', name: 'bluetooth: HID_BLUETOOTH_DEVICE (hidp, uhid for BLE)', macro: 'HID_BLUETOOTH_DEVICE', bus: 'BUS_BLUETOOTH' },
  { value: 'i2c', name: 'i2c: HID_I2C_DEVICE (i2c-hid)', macro: 'HID_I2C_DEVICE', bus: 'BUS_I2C' },
] as const;

export const HID_FEATURES = [
  { value: 'fixup', name: 'fixup: .report_fixup repairs a broken report descriptor (bytes documented)' },
  { value: 'input', name: "input: the vendor input report turned into input events (the driver's own input device)" },
  { value: 'hwmon', name: 'hwmon: temperature from input reports, its limit read and set as a feature report' },
  { value: 'sysfs', name: 'sysfs: counters of accepted and refused reports' },
] as const;

export const HID_FEATURE_NAMES: readonly string[] = HID_FEATURES.map((f) => f.value);

const hidIdQuestion = (name: 'vendor' | 'product'): Question => ({
  name,
  message: `HID ${name} ID (hex, as in lsusb or /sys/bus/hid/devices)`,
  description: `HID ${name} ID in hex, 0x0001-0xfffe (default: the generated test device's ${HID_TEST_DEVICE[name]})`,
  default: () => HID_TEST_DEVICE[name],
  // A HID device's IDs are its USB (or Bluetooth, I2C) IDs: the same 16-bit rules.
  validate: (v) => validateUsbId(v, `${name} ID`),
  normalize: (v) => normalizeHex(v, 4),
});

export const HID_QUESTIONS: readonly Question[] = [
  hidIdQuestion('vendor'),
  hidIdQuestion('product'),
  {
    name: 'bus',
    message: 'Bus the device is on',
    description: `The device's bus: ${HID_BUSES.map((b) => b.value).join(', ')} (default: usb)`,
    ...oneOf('bus', HID_BUSES),
    default: () => 'usb',
  },
  {
    name: 'features',
    message: 'Optional parts of the driver',
    description: `Comma-separated optional parts: ${HID_FEATURE_NAMES.join(',')} or none (default: all, which the generated test device exercises)`,
    ...someOf('feature', HID_FEATURES),
  },
];
