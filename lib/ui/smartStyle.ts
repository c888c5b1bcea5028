// Applies the EHR's smart_style_url styles as CSS custom properties, accepting only safe values.

const KEYS: Record<string, string> = {
  color_background: '--bg',
  color_text: '--text',
  color_highlight: '--accent',
  color_error: '--warn',
  color_success: '--ok',
  font_family_body: '--font-body',
  font_family_heading: '--font-heading',
  dim_border_radius: '--radius',
  dim_font_size: '--font-size',
  dim_spacing_size: '--space',
};

const SAFE = /^[#a-zA-Z0-9 ,.'"()%-]{1,100}$/;

export function styleVariables(style: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof style !== 'object' || style === null) return out;
  for (const [key, cssVar] of Object.entries(KEYS)) {
    const value = (style as Record<string, unknown>)[key];
    if (typeof value === 'string' && SAFE.test(value) && !/url\(|expression/i.test(value)) out[cssVar] = value;
  }
  return out;
}
