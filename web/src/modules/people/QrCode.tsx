import { useEffect, useState } from 'react';
import { Skeleton } from '@mantine/core';
import QRCode from 'qrcode';

/** A QR code drawn in the browser as SVG (prints sharp, no request to the server). */
export function QrCode({ value, size = 160, label }: { value: string; size?: number; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(value, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
      .then((s) => live && setSvg(s))
      .catch(() => live && setSvg(''));
    return () => {
      live = false;
    };
  }, [value]);
  if (svg === null) return <Skeleton w={size} h={size} />;
  return <div className="hamrah-qr" role="img" aria-label={label} style={{ width: size }} data-testid="qr-code" dangerouslySetInnerHTML={{ __html: svg }} />;
}
