// Opens each page given on the command line in headless Chromium and checks
// that it loads without a console error or a failed request, that every
// chart draws as many bars and points as it declares (data-bars,
// data-points), and what the caller expects of it (--expect
// name=selector:count, --text name=words the page shows as text); saves a
// full-page screenshot beside the page.
//   node pages.js page.html ... [--expect 'page.html=selector:count'] [--text 'page.html=words']
const puppeteer = require('puppeteer-core');
const path = require('path');

const pages = [];
const expects = [];
const texts = [];
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--expect') expects.push(process.argv[++i]);
  else if (process.argv[i] === '--text') texts.push(process.argv[++i]);
  else pages.push(path.resolve(process.argv[i]));
}

function fail(msg) { console.log('not ok - ' + msg); process.exitCode = 1; }
function ok(msg) { console.log('ok - ' + msg); }

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    headless: true,
  });
  try {
    for (const file of pages) {
      const name = path.basename(file);
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      const errors = [];
      page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
      page.on('pageerror', e => errors.push(String(e)));
      page.on('requestfailed', r => errors.push('request failed: ' + r.url()));
      page.on('dialog', d => { errors.push('dialog opened: ' + d.message()); d.dismiss(); });
      const requests = [];
      page.on('request', r => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
      await page.goto('file://' + file, { waitUntil: 'load' });
      if (errors.length) fail(`${name}: loads without console errors: ${JSON.stringify(errors)}`);
      else ok(`${name}: loads without console errors`);
      if (requests.length) fail(`${name}: asks for no network resource: ${JSON.stringify(requests)}`);
      else ok(`${name}: asks for no network resource`);
      const charts = await page.$$eval('svg.chart', svgs => svgs.map(s => ({
        bars: s.getAttribute('data-bars'), points: s.getAttribute('data-points'),
        drawnBars: s.querySelectorAll('rect.bar').length, drawnPoints: s.querySelectorAll('circle.point').length,
        width: s.getBoundingClientRect().width })));
      const bad = charts.filter(c => (c.bars !== null && +c.bars !== c.drawnBars) ||
                                     (c.points !== null && +c.points !== c.drawnPoints) || c.width <= 0);
      if (bad.length) fail(`${name}: every chart draws what it declares: ${JSON.stringify(bad)}`);
      else ok(`${name}: ${charts.length} charts, each drawing the bars and points it declares ` +
              `(${charts.reduce((a, c) => a + c.drawnBars, 0)} bars, ${charts.reduce((a, c) => a + c.drawnPoints, 0)} points)`);
      for (const e of expects.filter(e => e.startsWith(name + '='))) {
        const [selector, want] = e.slice(name.length + 1).split(/:(?=[^:]*$)/);
        const got = await page.$$eval(selector, els => els.length);
        if (String(got) !== want) fail(`${name}: ${selector} appears ${want} times (got ${got})`);
        else ok(`${name}: ${selector} appears ${want} times`);
      }
      const shown = await page.evaluate(() => document.body.innerText);
      for (const t of texts.filter(t => t.startsWith(name + '='))) {
        const words = t.slice(name.length + 1);
        if (!shown.includes(words)) fail(`${name}: shows ${JSON.stringify(words)} as text`);
        else ok(`${name}: shows ${JSON.stringify(words)} as text`);
      }
      const shot = file.replace(/\.html$/, '.png');
      await page.screenshot({ path: shot, fullPage: true });
      ok(`${name}: screenshot ${path.basename(shot)}`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
})().catch(e => { fail(String(e)); });
