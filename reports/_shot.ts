import { chromium } from 'playwright-core';

const b = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
await p.goto('file:///tmp/l2b/run/index.html');
await p.waitForSelector('body[data-rendered="true"]');
const h = await p.evaluate(() => document.body.scrollHeight);
for (let i = 0, y = 0; y < h; i++, y += 1100)
  await p.screenshot({
    path: `/tmp/l2b/shot${i}.png`,
    fullPage: true,
    clip: { x: 0, y, width: 1280, height: Math.min(1100, h - y) },
  });
// hover a point to check the tooltip
await b.close();
console.log(h);
