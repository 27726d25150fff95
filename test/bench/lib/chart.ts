/** A grouped bar chart as SVG, log-scaled: the bench draws its own picture, no plotting library. */
export interface Group {
  label: string;
  bars: Array<{ name: string; value: number }>;
}

const COLORS = ['#2b6cb0', '#38a169', '#dd6b20'];

export function barChartSvg(title: string, groups: Group[], unit: string): string {
  const width = 760;
  const height = 380;
  const left = 70;
  const bottom = 60;
  const top = 50;
  const plotHeight = height - top - bottom;
  const values = groups.flatMap((group) => group.bars.map((bar) => bar.value)).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const y = (value: number) =>
    top +
    plotHeight * (1 - (Math.log10(Math.max(value, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)));
  const groupWidth = (width - left - 20) / groups.length;
  const perGroup = Math.max(...groups.map((group) => group.bars.length));
  const barWidth = Math.min(60, groupWidth / (perGroup + 1));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12" role="img">`,
    `<title>${title}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${title}</text>`,
  ];
  for (let exponent = Math.log10(lo); exponent <= Math.log10(hi); exponent++) {
    const value = 10 ** exponent;
    parts.push(`<line x1="${left}" x2="${width - 20}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end">${unit}${value >= 1 ? value.toLocaleString('en-US') : value}</text>`,
    );
  }
  groups.forEach((group, g) => {
    const x0 = left + g * groupWidth + groupWidth / 2 - (group.bars.length * barWidth) / 2;
    group.bars.forEach((bar, b) => {
      const x = x0 + b * barWidth;
      parts.push(
        `<rect x="${x}" y="${y(bar.value)}" width="${barWidth - 4}" height="${top + plotHeight - y(bar.value)}" fill="${COLORS[b % COLORS.length]}"/>`,
      );
      parts.push(
        `<text x="${x + (barWidth - 4) / 2}" y="${y(bar.value) - 4}" text-anchor="middle" font-size="11">${unit}${bar.value < 10 ? bar.value.toFixed(2) : Math.round(bar.value).toLocaleString('en-US')}</text>`,
      );
    });
    parts.push(
      `<text x="${x0 + (group.bars.length * barWidth) / 2}" y="${height - bottom + 18}" text-anchor="middle">${group.label}</text>`,
    );
  });
  groups[0]?.bars.forEach((bar, b) => {
    parts.push(
      `<rect x="${left + b * 200}" y="${height - 22}" width="12" height="12" fill="${COLORS[b % COLORS.length]}"/>`,
    );
    parts.push(`<text x="${left + b * 200 + 18}" y="${height - 12}">${bar.name}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
