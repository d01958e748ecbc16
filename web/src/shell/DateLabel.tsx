import { Text, Tooltip } from '@mantine/core';
import { useFormat, type DateFormatOptions } from '../lib/format';

interface Props {
  value: Date | string | number;
  /** Show the Solar Hijri date beside the Gregorian one (Afghanistan, Iran). */
  solarHijri?: boolean;
  timeZone?: string;
  time?: boolean;
  style?: DateFormatOptions['style'];
  size?: string;
}

/** A date as people in the operation read it: Gregorian, and Solar Hijri beside it where used. */
export function DateLabel({ value, solarHijri, timeZone, time, style, size }: Props) {
  const f = useFormat();
  const gregorian = f.date(value, { calendar: 'gregory', timeZone, time, style });
  if (!gregorian) return null;
  const iso = typeof value === 'string' ? value : new Date(value).toISOString();
  if (!solarHijri) {
    return (
      <Text component="time" dateTime={iso} size={size} inherit={!size}>
        {gregorian}
      </Text>
    );
  }
  const hijri = f.date(value, { calendar: 'persian', timeZone, style });
  return (
    <Tooltip label={iso} openDelay={500}>
      <Text component="time" dateTime={iso} size={size} inherit={!size}>
        {gregorian}
        <Text component="span" c="dimmed" inherit>
          {' · '}
          <bdi>{hijri}</bdi>
        </Text>
      </Text>
    </Tooltip>
  );
}
