// Drives the benchmark (bench/run is the entry point): starts each server under test in turn,
// pinned to one core, runs the load generator pinned to another, repeats in interleaved rounds,
// and prints the median of every figure for sio, Node and the raw websocketpp server with their
// ratios and the issue's targets. Writes results.json, table.md, rss.dat and rss.png to --out.
// The idle memory of sio and Node is also measured over TLS (variants "sio+tls", "node+tls")
// with a self-signed certificate made for the run, where the binaries were built with TLS.
// Across servers (variants "sio+redis", "node+redis"): the broadcast scenario with its receivers
// split between two servers of the same kind joined through a redis-server of the run's own,
// where redis-server is installed (and, for sio, the binaries were built with sio::redis).
//
// Usage: node run.js --bin DIR [--quick] [--rounds N] [--servers sio,node,raw] [--out DIR]
//                    [--read-buffer BYTES] [--server-cpu N] [--load-cpu N] [--sched rt|nice|none]
//                    [--no-redis]
//        node run.js --from results.json [--out DIR]   (prints a saved run's table again)
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const here = __dirname;

// ---- settings --------------------------------------------------------------------------------

const args = { quick: false, rounds: null, servers: ['sio', 'node', 'raw'], out: null, bin: null, readBuffer: null,
  serverCpu: 0, loadCpu: 1, sched: null, from: null, redis: true };
{
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; ++i) {
    const next = () => {
      if (i + 1 >= a.length) throw new Error(`${a[i]} needs a value`);
      return a[++i];
    };
    switch (a[i]) {
      case '--quick': args.quick = true; break;
      case '--rounds': args.rounds = Number(next()); break;
      case '--servers': args.servers = next().split(',').filter(Boolean); break;
      case '--out': args.out = path.resolve(next()); break;
      case '--bin': args.bin = path.resolve(next()); break;
      case '--read-buffer': args.readBuffer = Number(next()); break;
      case '--server-cpu': args.serverCpu = Number(next()); break;
      case '--load-cpu': args.loadCpu = Number(next()); break;
      case '--sched': args.sched = next(); break;
      case '--from': args.from = path.resolve(next()); break;
      case '--no-redis': args.redis = false; break;
      default:
        console.error(`run.js: unknown argument ${a[i]}`);
        process.exit(2);
    }
  }
  if (args.from) {
    // Reprints the table (and redraws the plot) of an earlier run from its results.json.
    const saved = JSON.parse(fs.readFileSync(args.from, 'utf8'));
    args.quick = saved.quick;
    args.bin = args.bin || path.dirname(args.from);
    args.out = args.out || path.dirname(args.from);
  }
  if (!args.bin) {
    console.error('run.js: --bin DIR (where sio_bench_load, sio_bench_server and raw_ws_server are) is required');
    process.exit(2);
  }
  if (!args.out) args.out = path.join(args.bin, 'bench-results');
}

// The full run takes the issue's sizes; the quick run checks that every message arrives.
const plan = args.quick ? {
  rounds: 1,
  pingInterval: 1000, pingTimeout: 2000,
  memory: ['--memory', '0,200,1000', '--hold-pings'],
  tlsMemory: ['--memory', '0,100,200', '--hold-pings'], tlsTop: 200,
  main: ['--storm', '200', '--latency-samples', '2000', '--latency-warmup', '200', '--latency-idle', '100',
    '--throughput-clients', '20', '--throughput-seconds', '1', '--burst-receivers', '50,200',
    '--burst-target', '10000', '--bcast-latency-receivers', '100', '--bcast-latency-samples', '50', '--timeout', '30'],
  slow: ['--slow-receivers', '5', '--slow-messages', '1000', '--timeout', '30'],
  // The broadcast scenario again, its receivers split between two servers: in the full run with
  // the single server's burst sizes and latency set, so that the two read side by side; here the
  // larger burst alone, which is enough to check that every message crosses.
  cross: ['--burst-receivers', '200', '--burst-target', '10000', '--bcast-latency-receivers', '100',
    '--bcast-latency-samples', '50', '--timeout', '30'], crossReceivers: [200],
  idleLabel: 100, memoryTop: 1000, stormSizes: [200], burstReceivers: [50, 200], bcastReceivers: 100,
  slowReceivers: 5, slowMessages: 1000,
} : {
  rounds: 3,
  pingInterval: 25000, pingTimeout: 20000,
  memory: ['--memory', '0,1000,5000,10000,19000'],
  tlsMemory: ['--memory', '0,1000,5000,10000,19000'], tlsTop: 19000,
  main: ['--storm', '1000,5000', '--latency-samples', '20000', '--latency-warmup', '2000', '--latency-idle', '1000',
    '--throughput-clients', '100', '--throughput-seconds', '5', '--burst-receivers', '500,5000',
    '--burst-target', '500000', '--bcast-latency-receivers', '1000', '--bcast-latency-samples', '200'],
  slow: ['--slow-receivers', '20', '--slow-messages', '10000'],
  cross: ['--burst-receivers', '500,5000', '--burst-target', '500000', '--bcast-latency-receivers', '1000',
    '--bcast-latency-samples', '200'], crossReceivers: [500, 5000],
  idleLabel: 1000, memoryTop: 19000, stormSizes: [1000, 5000], burstReceivers: [500, 5000], bcastReceivers: 1000,
  slowReceivers: 20, slowMessages: 10000,
};
if (args.rounds) plan.rounds = args.rounds;
// On a machine others use too, a compiler on the same core would otherwise decide the latencies
// (a woken server waits up to a scheduler tick for its turn). The full run gives the servers and
// the generator alike a real-time round-robin priority (`--sched rt`, the kernel still leaves 5%
// of each core to others), or failing that a nice of -10 (`--sched nice`); `--sched none` leaves
// them as they are, as the quick run does.
if (args.sched === null) args.sched = args.quick ? 'none' : 'rt';
const works = (prefix) => {
  const r = spawnSync(prefix[0], [...prefix.slice(1), 'true'], { encoding: 'utf8' });
  return r.status === 0 && r.stderr === '';
};
const schedPrefix = { rt: ['chrt', '-r', '1'], nice: ['nice', '-n', '-10'], none: [] };
if (!(args.sched in schedPrefix)) {
  console.error(`run.js: --sched rt|nice|none (got ${args.sched})`);
  process.exit(2);
}
if (args.sched === 'rt' && !works(schedPrefix.rt)) args.sched = 'nice';
if (args.sched === 'nice' && !works(schedPrefix.nice)) args.sched = 'none';

const cpus = os.cpus().length;
const pin = cpus >= 2 && fs.existsSync('/usr/bin/taskset');

// ---- processes -------------------------------------------------------------------------------

const children = new Set();
function killChildren() {
  for (const c of children) {
    try { process.kill(c.pid, 'SIGKILL'); } catch (_) { /* already gone */ }
  }
}
process.on('exit', killChildren);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killChildren(); process.exit(130); });

function pinned(cpu, argv) {
  const scheduled = [...schedPrefix[args.sched], ...argv];
  return pin ? ['/usr/bin/taskset', '-c', String(cpu), ...scheduled] : scheduled;
}

// The run's certificate and key for the "+tls" variants (see makeCertificate()); null without TLS.
let tlsFiles = null;

const overTls = (variant) => variant.endsWith('+tls');
const overRedis = (variant) => variant.endsWith('+redis');

/// The command of a server; `redisUrl` for a "+redis" variant.
function serverCommand(variant, redisUrl) {
  // "sio@4k": sio with a 4 KiB read buffer per connection (the idle-memory variant; 1 KiB is the default).
  // "sio@mt": sio with two I/O threads, two servers sharing the port (SO_REUSEPORT).
  // "sio@wide1", "sio@wide2": sio with one and two I/O threads, free to run on every core, as
  // the load generator is (the scaling run; see cpuOf()).
  // "sio+tls", "node+tls": over TLS (HTTPS and WSS), with the run's certificate.
  // "sio+redis", "node+redis": one server of a cluster joined through the Redis at `redisUrl`.
  const [name, buffer] = variant.replace(/\+(tls|redis)$/, '').split('@');
  const common = ['--port', '0', '--address', '127.0.0.1', '--ping-interval', String(plan.pingInterval),
    '--ping-timeout', String(plan.pingTimeout)];
  if (overTls(variant)) {
    if (name === 'raw') throw new Error('the raw server has no TLS');
    common.push('--tls-cert', tlsFiles.cert, '--tls-key', tlsFiles.key);
  }
  if (overRedis(variant)) {
    if (name === 'raw') throw new Error('the raw server has no adapter');
    common.push('--redis', redisUrl);
  }
  const bytes = buffer === '4k' ? 4096 : args.readBuffer;
  const rb = bytes ? ['--read-buffer', String(bytes)] : [];
  const sioProgram = overTls(variant) ? 'sio_bench_server_tls' : overRedis(variant) ? 'sio_bench_server_redis' : 'sio_bench_server';
  switch (name) {
    case 'sio': return [path.join(args.bin, sioProgram), ...common, ...rb,
      ...(buffer === 'mt' || buffer === 'wide2' ? ['--threads', '2'] : [])];
    case 'raw': return [path.join(args.bin, 'raw_ws_server'), ...common, ...rb];
    case 'node': return [process.execPath, path.join(here, 'node_server.js'), ...common];
    default: throw new Error(`unknown server ${name}`);
  }
}

/// The CPUs of the server (or, with `load`, of the generator) of variant `name`: its own core,
/// or every core for the scaling run ("@wide"), where one and two I/O threads may use both cores
/// of this machine and share them with the generator.
function cpuOf(name, load = false) {
  if (name.includes('@wide')) return `0-${cpus - 1}`;
  return load ? args.loadCpu : args.serverCpu;
}

/// Starts a server and resolves with { child, port } once it prints "listening <port>".
function startServer(name, redisUrl) {
  return startProcess(name, pinned(cpuOf(name), serverCommand(name, redisUrl)), /listening (\d+)/, (m) => Number(m[1]));
}

/// Starts `argv` and resolves with { child, port: portOf(match) } once its output matches `ready`.
function startProcess(name, argv, ready, portOf) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], cwd: here });
  children.add(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within 30 s:\n${output}`));
    }, 30000);
    const onData = (d) => {
      output += d;
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: portOf(m) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, sig) => {
      children.delete(child);
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? sig}) before listening:\n${output}`));
    });
  });
}

/// Stops a server by its process id: SIGTERM, then SIGKILL if it is still there after 5 s.
function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/// Runs the generator against a started server, or several (an array: the clients are spread over
/// them, the first is asked for the broadcasts); resolves with its JSON lines. `redis`: the
/// redis-server between them, whose CPU the generator reports apart.
function runLoad(name, server, scenarioArgs, redis = null) {
  const servers = Array.isArray(server) ? server : [server];
  const argv = pinned(cpuOf(name, true), [path.join(args.bin, 'sio_bench_load'), '--port', servers.map((s) => s.port).join(','),
    '--server-pid', servers.map((s) => s.child.pid).join(','), ...(redis ? ['--redis-pid', String(redis.child.pid)] : []),
    '--name', name,
    '--ping-interval', String(plan.pingInterval / 1000), ...(overTls(name) ? ['--tls'] : []), ...scenarioArgs]);
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => process.stderr.write(d));
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      children.delete(child);
      const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      resolve({ code, lines });
    });
  });
}

// ---- the run ---------------------------------------------------------------------------------

const results = {}; // results[server] = [ line, ... ] over every round
const failures = [];
let savedRun = null; // the results.json given with --from

async function session(name, scenarioArgs) {
  let server;
  try {
    server = await startServer(name);
  } catch (e) {
    failures.push(`${name}: ${e.message}`);
    return;
  }
  try {
    const { code, lines } = await runLoad(name, server, scenarioArgs);
    for (const l of lines) {
      if (l.scenario === 'error') failures.push(`${name}: ${l.failed}: ${l.message}`);
      else (results[name] ??= []).push(l);
    }
    if (code !== 0 && !lines.some((l) => l.scenario === 'error')) failures.push(`${name}: the load generator exited with ${code}`);
  } finally {
    await stopServer(server.child);
  }
}

/// A port of 127.0.0.1 that nothing listens on now (the kernel's pick).
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/// The redis-server program, or null where it is not installed.
function findRedisServer() {
  for (const dir of (process.env.PATH || '').split(':').filter(Boolean)) {
    const program = path.join(dir, 'redis-server');
    try {
      fs.accessSync(program, fs.constants.X_OK);
      return program;
    } catch (_) { /* not here */ }
  }
  return null;
}
const redisServer = findRedisServer();

/// Starts a redis-server of the run's own: on 127.0.0.1 and a free port, pinned beside the load
/// generator, saving nothing, its working directory under --out. Resolves with { child, port }.
async function startRedis() {
  const dir = path.join(args.out, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  let last;
  // A free port may be taken between the pick and the bind: pick again, a few times.
  for (let attempt = 0; attempt < 5; ++attempt) {
    const port = await freePort();
    const argv = pinned(args.loadCpu, [redisServer, '--port', String(port), '--bind', '127.0.0.1', '--save', '',
      '--appendonly', 'no', '--protected-mode', 'no', '--dir', dir]);
    try {
      return await startProcess('redis-server', argv, /Ready to accept connections/, () => port);
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

/// The broadcast scenario across a pair of `name` servers ("sio+redis", "node+redis") joined
/// through a redis-server of their own; the generator spreads its receivers over both.
async function crossSession(name) {
  let redis;
  const servers = [];
  try {
    redis = await startRedis();
    const url = `redis://127.0.0.1:${redis.port}`;
    for (let i = 0; i < 2; ++i) servers.push(await startServer(name, url));
  } catch (e) {
    failures.push(`${name}: ${e.message}`);
    await Promise.all(servers.map((s) => stopServer(s.child)));
    if (redis) await stopServer(redis.child);
    return;
  }
  try {
    const { code, lines } = await runLoad(name, servers, ['--scenarios', 'broadcast', ...plan.cross], redis);
    for (const l of lines) {
      if (l.scenario === 'error') failures.push(`${name}: ${l.failed}: ${l.message}`);
      else (results[name] ??= []).push(l);
    }
    if (code !== 0 && !lines.some((l) => l.scenario === 'error')) failures.push(`${name}: the load generator exited with ${code}`);
  } finally {
    await Promise.all(servers.map((s) => stopServer(s.child)));
    await stopServer(redis.child);
  }
}

/// Makes the run's self-signed certificate with sio_bench_server_tls (no `openssl` program
/// needed). Sets tlsFiles, or leaves it null when the benchmark was built without TLS (no
/// sio_bench_server_tls: no sio::tls, or no OpenSSL).
function makeCertificate(note) {
  const program = path.join(args.bin, 'sio_bench_server_tls');
  if (!fs.existsSync(program)) {
    note('no TLS runs: the benchmark was built without TLS (no sio_bench_server_tls)');
    return;
  }
  const dir = path.join(args.out, 'tls');
  fs.mkdirSync(dir, { recursive: true });
  const files = { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') };
  const r = spawnSync(program, ['--write-test-certificate', files.cert, files.key], { encoding: 'utf8' });
  if (r.status === 0) tlsFiles = files;
  else failures.push(`the TLS certificate: ${r.error ? r.error.message : r.stderr.trim()}`);
}

/// Which servers run across two servers through Redis: sio and Node, where redis-server is installed
/// and (for sio) sio_bench_server_redis was built; says why when some cannot.
function planCross(note) {
  const wanted = args.servers.filter((s) => s === 'sio' || s === 'node');
  if (!wanted.length) return [];
  if (!args.redis) {
    note('no runs across two servers (--no-redis)');
    return [];
  }
  if (!redisServer) {
    note('no runs across two servers: redis-server is not installed (scripts/setup-deps installs it)');
    return [];
  }
  if (wanted.includes('sio') && !fs.existsSync(path.join(args.bin, 'sio_bench_server_redis'))) {
    note('no sio pair across two servers: the benchmark was built without sio::redis (no hiredis, no sio_bench_server_redis)');
    return wanted.filter((s) => s !== 'sio');
  }
  return wanted;
}

async function main() {
  fs.mkdirSync(args.out, { recursive: true });
  const started = Date.now();
  const note = (s) => process.stderr.write(`run: ${s}\n`);
  const tlsServers = args.servers.filter((s) => s === 'sio' || s === 'node');
  if (tlsServers.length) makeCertificate(note);
  const crossServers = planCross(note);
  note(`${plan.rounds} round(s) of ${args.servers.join(', ')}; servers on CPU ${pin ? args.serverCpu : '(any)'}, load on CPU ${pin ? args.loadCpu : '(any)'}; scheduling: ${args.sched}`);
  if (crossServers.length) {
    note(`across two servers: ${crossServers.join(', ')}, both servers of a pair on CPU ${pin ? args.serverCpu : '(any)'}, ` +
      `the load and redis-server on CPU ${pin ? args.loadCpu : '(any)'}`);
  }
  for (let round = 0; round < plan.rounds; ++round) {
    // Interleaved: each round starts with the next server, so drift hits all of them alike.
    const order = args.servers.map((_, i) => args.servers[(i + round) % args.servers.length]);
    for (const name of order) {
      note(`round ${round + 1}/${plan.rounds}: ${name}`);
      // Memory on a fresh process, so its RSS at 0 clients is the server's own. The hold until
      // every client has been pinged (the issue's "held without error") lasts a ping interval:
      // it runs for sio, in the first round.
      const hold = round === 0 && !args.quick && name === 'sio' ? ['--hold-pings'] : [];
      await session(name, ['--scenarios', 'memory', ...plan.memory, ...hold]);
      await session(name, ['--scenarios', 'storm,latency,throughput,broadcast', ...plan.main]);
      // On a fresh process, so that what the server holds for the paused client shows alone.
      await session(name, ['--scenarios', 'slow', ...plan.slow]);
    }
    // Across two servers, each round, in the round's order.
    for (const name of order.filter((s) => crossServers.includes(s))) {
      note(`round ${round + 1}/${plan.rounds}: two ${name} servers through Redis`);
      await crossSession(`${name}+redis`);
    }
    if (round === 0 && tlsFiles) {
      // Idle memory over TLS, once, on fresh processes; in the full run sio holds its clients
      // until every one has been pinged, as in the plain scenario (the quick run always does).
      for (const name of tlsServers) {
        note(`round 1/${plan.rounds}: ${name} over TLS`);
        const hold = !args.quick && name === 'sio' ? ['--hold-pings'] : [];
        await session(`${name}+tls`, ['--scenarios', 'memory', ...plan.tlsMemory, ...hold]);
      }
    }
    // The quick run checks that the multi-thread mode delivers every broadcast across its
    // threads (its figures are the full run's).
    if (round === 0 && args.quick && args.servers.includes('sio')) {
      note('round 1: sio with two I/O threads');
      await session('sio@mt', ['--scenarios', 'throughput,broadcast', ...plan.main]);
    }
    if (round === 0 && !args.quick) {
      // The transport's read buffer is most of an idle connection: what 4 KiB instead of the
      // default 1 KiB costs, measured once (memory only).
      for (const name of args.servers.filter((s) => s === 'sio' || s === 'raw')) {
        note(`round 1/${plan.rounds}: ${name} with a 4 KiB read buffer`);
        await session(`${name}@4k`, ['--scenarios', 'memory', ...plan.memory]);
      }
      // The multi-thread run, reported separately: two I/O threads on the server's one CPU.
      if (args.servers.includes('sio')) {
        note(`round 1/${plan.rounds}: sio with two I/O threads`);
        await session('sio@mt', ['--scenarios', 'storm,throughput,broadcast', ...plan.main]);
        // Scaling: one and two I/O threads, every process free to use both cores.
        for (const v of ['sio@wide1', 'sio@wide2']) {
          note(`round 1/${plan.rounds}: ${v === 'sio@wide1' ? 'one I/O thread' : 'two I/O threads'} on both cores`);
          await session(v, ['--scenarios', 'throughput,broadcast', ...plan.main]);
        }
      }
    }
  }
  const minutes = (Date.now() - started) / 60000;
  report(minutes);
  if (failures.length) {
    console.log('\nFAILED (the figures above are void):');
    for (const f of failures) console.log(`  ${f}`);
    process.exit(1);
  }
}

// ---- the table -------------------------------------------------------------------------------

function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/// The median over rounds of `field` in the lines of `server` that match `where`.
function figure(server, scenario, where, field) {
  const lines = (results[server] || []).filter((l) => l.scenario === scenario &&
    Object.entries(where).every(([k, v]) => l[k] === v));
  return median(lines.map((l) => (typeof field === 'function' ? field(l) : l[field])));
}

function fmt(x) {
  if (x === undefined) return '—';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function rssPoints(server) {
  // Median RSS at each step over rounds.
  const byStep = new Map();
  for (const l of (results[server] || []).filter((l) => l.scenario === 'memory')) {
    for (const [clients, rss] of l.points) {
      if (!byStep.has(clients)) byStep.set(clients, []);
      byStep.get(clients).push(rss);
    }
  }
  return [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([c, v]) => [c, median(v)]);
}

function report(minutes) {
  const S = args.servers;
  const has = (s) => S.includes(s);
  // [label, scenario, where, field, higher is better, is a server CPU figure]
  const rows = [];
  const section = (title) => rows.push({ title });
  const row = (label, scenario, where, field, higherBetter = false, cpu = false, variant = '') =>
    rows.push({ label, scenario, where, field, higherBetter, cpu, variant });

  section('Connect storm (100 in flight)');
  for (const n of plan.stormSizes) {
    row(`${n} clients: connects/s`, 'storm', { clients: n }, 'connects_per_s', true);
    row(`${n} clients: handshake p50 (ms)`, 'storm', { clients: n }, 'handshake_p50_ms');
    row(`${n} clients: handshake p99 (ms)`, 'storm', { clients: n }, 'handshake_p99_ms');
    row(`${n} clients: server CPU per connect (µs)`, 'storm', { clients: n }, 'server_cpu_us_per_connect', false, true);
    row(`${n} clients: load generator CPU (%)`, 'storm', { clients: n }, 'load_cpu_pct', null);
  }
  section('Idle memory');
  row('RSS per idle client (KiB, slope)', 'memory', {}, 'kib_per_client');
  row(`RSS with no client (MiB)`, 'memory', {}, (l) => l.points[0][1] / 1024);
  row(`RSS with ${plan.memoryTop} idle clients (MiB)`, 'memory', {}, (l) => l.points[l.points.length - 1][1] / 1024);
  if (!args.quick && !args.readBuffer) {
    row('… with a 4 KiB read buffer (KiB)', 'memory', {}, 'kib_per_client', false, false, '@4k');
  }
  row(`idle clients held without error`, 'memory', {}, 'clients_held', true);
  if (Object.keys(results).some(overTls)) {
    section('Idle memory over TLS (WSS, one round)');
    const tls = (label, field, higherBetter = false) => row(label, 'memory', {}, field, higherBetter, false, '+tls');
    tls('RSS per idle TLS client (KiB, slope)', 'kib_per_client');
    tls('TLS: RSS with no client (MiB)', (l) => l.points[0][1] / 1024);
    tls(`TLS: RSS with ${plan.tlsTop} idle clients (MiB)`, (l) => l.points[l.points.length - 1][1] / 1024);
    tls('idle TLS clients held without error', 'clients_held', true);
  }
  section('Echo latency (sequential acks)');
  for (const idle of [0, plan.idleLabel]) {
    const what = idle ? `with ${idle} idle clients` : 'no other clients';
    row(`${what}: p50 (µs)`, 'latency', { idle_clients: idle }, 'p50_us');
    row(`${what}: p99 (µs)`, 'latency', { idle_clients: idle }, 'p99_us');
    row(`${what}: p99.9 (µs)`, 'latency', { idle_clients: idle }, 'p999_us');
  }
  section('Echo throughput (one ack in flight per client)');
  row('acks/s', 'throughput', {}, 'acks_per_s', true);
  row('server CPU per ack (µs)', 'throughput', {}, 'server_cpu_us_per_ack', false, true);
  row('server CPU (%)', 'throughput', {}, 'server_cpu_pct', null);
  row('load generator CPU (%)', 'throughput', {}, 'load_cpu_pct', null);
  section('Broadcast burst (200 messages, every one delivered)');
  for (const r of plan.burstReceivers) {
    for (const size of [100, 1000]) {
      const w = { receivers: r, size };
      row(`${r} × ${size} B: delivered/s`, 'burst', w, 'delivered_per_s', true);
      row(`${r} × ${size} B: server CPU per delivery (µs)`, 'burst', w, 'server_cpu_us_per_delivery', false, true);
      row(`${r} × ${size} B: load generator CPU (%)`, 'burst', w, 'load_cpu_pct', null);
    }
  }
  section(`Broadcast latency (${plan.bcastReceivers} receivers, time to the last one)`);
  row('p50 (ms)', 'bcast_latency', {}, 'last_p50_ms');
  row('p99 (ms)', 'bcast_latency', {}, 'last_p99_ms');
  section(`Slow consumer (one of ${plan.slowReceivers + 1} clients stops reading during ${plan.slowMessages.toLocaleString('en-US')} broadcasts of 1 KB)`);
  row('server RSS growth while it does not read (KiB)', 'slow', {}, 'rss_growth_kib');
  row('the paused client disconnected by the server (1 = yes)', 'slow', {}, 'slow_disconnected', null);
  row('broadcasts it gets once it reads again', 'slow', {}, 'slow_received', null);
  if (Object.keys(results).some(overRedis)) {
    section(`Across two servers through Redis (receivers split; broadcasts asked of the first)`);
    const pair = (label, scenario, where, field, higherBetter = false) =>
      row(label, scenario, where, field, higherBetter, false, '+redis');
    for (const r of plan.crossReceivers) {
      for (const size of [100, 1000]) {
        const w = { receivers: r, size };
        pair(`${r} × ${size} B: delivered/s`, 'burst', w, 'delivered_per_s', true);
        pair(`${r} × ${size} B: both servers' CPU per delivery (µs)`, 'burst', w, 'server_cpu_us_per_delivery');
        pair(`${r} × ${size} B: redis-server CPU per delivery (µs)`, 'burst', w, 'redis_cpu_us_per_delivery', null);
        pair(`${r} × ${size} B: load generator CPU (%)`, 'burst', w, 'load_cpu_pct', null);
      }
    }
    pair(`time to the last of ${plan.bcastReceivers} receivers: p50 (ms)`, 'bcast_latency', {}, 'last_p50_ms');
    pair(`time to the last of ${plan.bcastReceivers} receivers: p99 (ms)`, 'bcast_latency', {}, 'last_p99_ms');
  }
  if (!args.quick && has('sio')) {
    // One round; Node and the raw server have no such run ("—").
    section('Multi-thread: sio with two I/O threads sharing the port (SO_REUSEPORT), on the same one CPU');
    const mt = (label, scenario, where, field, higherBetter = false) =>
      row(label, scenario, where, field, higherBetter, false, '@mt');
    for (const n of plan.stormSizes) mt(`${n} clients: server CPU per connect (µs)`, 'storm', { clients: n }, 'server_cpu_us_per_connect');
    mt('acks/s', 'throughput', {}, 'acks_per_s', true);
    mt('server CPU per ack (µs)', 'throughput', {}, 'server_cpu_us_per_ack');
    for (const r of plan.burstReceivers) {
      for (const size of [100, 1000]) {
        mt(`${r} × ${size} B: server CPU per delivery (µs)`, 'burst', { receivers: r, size }, 'server_cpu_us_per_delivery');
      }
    }
    mt(`broadcast latency p99 (ms)`, 'bcast_latency', {}, 'last_p99_ms');

    // One round; the server and the generator share both cores, so this shows what a second
    // thread gains on this machine, with the generator taking its part of the same two cores.
    section('Scaling: sio with 1 and with 2 I/O threads, server and load generator on both cores');
    for (const [variant, threads] of [['@wide1', 1], ['@wide2', 2]]) {
      const w = (label, scenario, where, field, higherBetter = false) =>
        row(`${threads} thread${threads > 1 ? 's' : ''}: ${label}`, scenario, where, field, higherBetter, false, variant);
      w('acks/s', 'throughput', {}, 'acks_per_s', true);
      for (const r of plan.burstReceivers) {
        for (const size of [100, 1000]) w(`${r} × ${size} B: delivered/s`, 'burst', { receivers: r, size }, 'delivered_per_s', true);
      }
      w('broadcast latency p99 (ms)', 'bcast_latency', {}, 'last_p99_ms');
    }
  }

  const ratio = (r, a, b) => {
    // How many times better `a` is than `b` (> 1: a is better).
    if (a === undefined || b === undefined || r.higherBetter === null || a === 0 || b === 0) return undefined;
    return r.higherBetter ? a / b : b / a;
  };
  const header = ['figure', ...S];
  if (has('sio') && has('node')) header.push('sio vs node');
  if (has('sio') && has('raw')) header.push('sio cost / raw');
  const md = [];
  md.push(`| ${header.join(' | ')} |`);
  md.push(`|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`);
  const text = [];
  for (const r of rows) {
    if (r.title) {
      md.push(`| **${r.title}** |${' |'.repeat(header.length - 1)}`);
      text.push(['', '', '', '', '', '']);
      text.push([r.title]);
      continue;
    }
    const v = Object.fromEntries(S.map((s) => [s, figure(s + r.variant, r.scenario, r.where, r.field)]));
    const cells = [r.label, ...S.map((s) => fmt(v[s]))];
    if (has('sio') && has('node')) {
      const x = ratio(r, v.sio, v.node);
      cells.push(x === undefined ? '' : `${x.toFixed(2)}×`);
    }
    if (has('sio') && has('raw')) {
      // For CPU and latency figures: what sio costs relative to the transport's floor.
      const x = r.higherBetter === null ? undefined : ratio(r, v.raw, v.sio);
      cells.push(x === undefined ? '' : x.toFixed(2));
    }
    md.push(`| ${cells.join(' | ')} |`);
    text.push(cells);
  }

  // The issue's targets, each checked against this run.
  const checks = [];
  const check = (label, ok, detail) => checks.push({ label, ok, detail });
  if (has('sio')) {
    const kib = figure('sio', 'memory', {}, 'kib_per_client');
    check('idle memory ≤ 8 KiB RSS per client', kib !== undefined && kib <= 8, `${fmt(kib)} KiB`);
    const held = figure('sio', 'memory', {}, 'clients_held');
    check(`${plan.memoryTop} idle clients held without error`, held >= plan.memoryTop, `${fmt(held)}`);
  }
  if (has('sio') && has('node')) {
    const rel = (scenario, where, field) => {
      const s = figure('sio', scenario, where, field), n = figure('node', scenario, where, field);
      return s && n ? n / s : undefined;
    };
    for (const n of plan.stormSizes) {
      const x = rel('storm', { clients: n }, 'server_cpu_us_per_connect');
      check(`server CPU per connect (${n}) ≤ 1/4 of Node's`, x >= 4, `1/${fmt(x)}`);
    }
    const ack = rel('throughput', {}, 'server_cpu_us_per_ack');
    check('server CPU per ack ≤ 1/2 of Node\'s', ack >= 2, `1/${fmt(ack)}`);
    for (const r of plan.burstReceivers) {
      for (const size of [100, 1000]) {
        const x = rel('burst', { receivers: r, size }, 'server_cpu_us_per_delivery');
        check(`server CPU per delivery (${r} × ${size} B) ≤ 1/5 of Node's`, x >= 5, `1/${fmt(x)}`);
      }
    }
    const p99 = rel('latency', { idle_clients: plan.idleLabel }, 'p99_us');
    check(`echo p99 with ${plan.idleLabel} idle clients ≤ 1/3 of Node's`, p99 >= 3, `1/${fmt(p99)}`);
  }
  if (has('sio') && has('raw')) {
    for (const r of rows.filter((r) => r.cpu)) {
      const s = figure('sio', r.scenario, r.where, r.field), w = figure('raw', r.scenario, r.where, r.field);
      const x = s !== undefined && w ? s / w : undefined;
      check(`${r.label}: sio within 1.3× of raw`, x !== undefined && x <= 1.3, `${fmt(x)}×`);
    }
  }

  const widths = [];
  for (const cells of text) cells.forEach((c, i) => { widths[i] = Math.max(widths[i] || 0, String(c).length); });
  const line = (cells) => cells.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[0]))).join('  ');
  console.log(`\n${line(header)}`);
  for (const cells of text) console.log(cells.length === 1 ? `\n${cells[0]}` : line(cells));
  console.log('\n"sio vs node": how many times better sio is (CPU, memory, latency: Node\'s figure / sio\'s; rates: sio\'s / Node\'s).');
  console.log('"sio cost / raw": sio\'s figure over the raw websocketpp server\'s (1.00 = the transport\'s floor).');
  if (checks.length) {
    console.log('\nTargets');
    for (const c of checks) console.log(`  ${c.ok ? 'met    ' : 'NOT MET'}  ${c.label}: ${c.detail}`);
  }
  let machine = `${os.cpus()[0].model}, ${cpus} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${os.release()}, Node ${process.version}`;
  const rev = spawnSync('git', ['-C', here, 'describe', '--always', '--dirty'], { encoding: 'utf8' });
  const commit = rev.status === 0 ? `sio ${rev.stdout.trim()}; ` : '';
  let setup = `${commit}server on CPU ${args.serverCpu}, load generator on CPU ${args.loadCpu}, scheduling: ${args.sched}`;
  if (Object.keys(results).some(overRedis)) {
    const version = redisServer ? spawnSync(redisServer, ['--version'], { encoding: 'utf8' }).stdout : '';
    const v = /v=(\S+)/.exec(version || '');
    setup += `; across two servers: both on CPU ${args.serverCpu}, load generator and redis-server${v ? ` ${v[1]}` : ''} on CPU ${args.loadCpu}`;
  }
  let stamp = new Date().toISOString();
  if (savedRun) ({ machine, setup, stamp } = savedRun);
  console.log(`\n${args.quick ? 'quick' : 'full'} run, ${plan.rounds} round(s), medians; ${minutes.toFixed(1)} min\n${machine}\n${setup}`);

  // Files for docs/benchmarks.md.
  if (!savedRun) {
    fs.writeFileSync(path.join(args.out, 'results.json'),
      JSON.stringify({ stamp, minutes, machine, setup, quick: args.quick, rounds: plan.rounds, results, failures }, null, 1));
  }
  const targetsMd = checks.map((c) => `| ${c.label} | ${c.detail} | ${c.ok ? 'met' : '**not met**'} |`);
  fs.writeFileSync(path.join(args.out, 'table.md'),
    `${md.join('\n')}\n\n| target | this run | |\n|---|---:|---|\n${targetsMd.join('\n')}\n\n` +
    `${args.quick ? 'quick' : 'full'} run, ${plan.rounds} round(s), medians of the rounds, ${minutes.toFixed(1)} min; ${machine}; ${setup}; ${stamp}\n`);
  plot();
}

function plot() {
  // Plain connections only: the TLS series, several times steeper, would flatten the others.
  const names = [...args.servers, ...args.servers.map((s) => `${s}@4k`)];
  const series = names.map((s) => ({ s, pts: rssPoints(s) })).filter((x) => x.pts.length);
  if (!series.length) return;
  const dat = path.join(args.out, 'rss.dat');
  // One block a server (gnuplot `index`) whose header line names it; RSS in MiB.
  const titles = { sio: 'sio', node: 'Node socket.io 4.8', raw: 'raw websocketpp',
    'sio@4k': 'sio, 4 KiB read buffer', 'raw@4k': 'raw websocketpp, 4 KiB read buffer' };
  fs.writeFileSync(dat, series.map(({ s, pts }) =>
    `clients "${titles[s] || s}"\n${pts.map(([c, r]) => `${c} ${(r / 1024).toFixed(2)}`).join('\n')}`).join('\n\n\n') + '\n');
  const png = path.join(args.out, 'rss.png');
  const r = spawnSync('gnuplot', ['-e', `datafile='${dat}'; outfile='${png}'; n=${series.length}`,
    path.join(here, 'rss.gnuplot')], { encoding: 'utf8' });
  if (r.error || r.status !== 0) console.error(`run: gnuplot failed: ${r.error ? r.error.message : r.stderr}`);
  else console.log(`plot: ${png}`);
}

if (args.from) {
  const saved = JSON.parse(fs.readFileSync(args.from, 'utf8'));
  Object.assign(results, saved.results);
  failures.push(...saved.failures);
  args.servers = args.servers.filter((name) => results[name]);
  plan.rounds = saved.rounds;
  savedRun = saved;
  fs.mkdirSync(args.out, { recursive: true });
  report(saved.minutes ?? 0);
  if (failures.length) process.exit(1);
} else main().catch((e) => {
  console.error(e);
  process.exit(1);
});
