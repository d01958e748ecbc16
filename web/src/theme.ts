import { createTheme } from '@mantine/core';

const fontFamily =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans Arabic Variable', 'Noto Sans Arabic', Tahoma, Arial, sans-serif";

export const theme = createTheme({
  primaryColor: 'teal',
  fontFamily,
  headings: { fontFamily },
  defaultRadius: 'md',
  cursorType: 'pointer',
});
