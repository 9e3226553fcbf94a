// The bundled sample the app opens with (public/sample/README.md says where it comes
// from and why this one). Paths are relative to the site's base URL.

export const SAMPLE = {
  path: 'sample/6EH4-XCME-M1-2024-01.csv',
  file_name: '6EH4-XCME-M1-2024-01.csv',
  title: 'CME Euro FX future 6EH4, 1-minute bars, January 2024',
  credit: 'nautechsystems/nautilus_trader, LGPL-3.0',
  source_url: 'https://github.com/nautechsystems/nautilus_trader',
  sha256: '2544bbed42cb10f1cb4a0af432f80416fc145c9877aee5043bdbbccfbf38ffde',
  rows: 29_996,
} as const;
