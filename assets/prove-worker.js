// The proof worker: PostgreSQL compiled to WebAssembly (PGlite) builds the start dump, applies the
// script statement by statement as `psql -v ON_ERROR_STOP=1` would, and dumps the result with
// PGlite's pg_dump. It is started only when the user asks for a proof, and loads PGlite from the
// app's own files (`pglite/`, `pglite-tools/`, copied there by the build): nothing leaves the origin.
//
// Message in (one per worker): { job: ArrayBuffer } holding the JSON the analysis worker wrote:
//   { extensions: [name], roles: [name], build: [sql], script: [sql], dumpArgs: [arg], rewritten, without }
// (the script already without CONCURRENTLY, which a single-user PGlite cannot run: `rewritten` counts
// those statements and goes back in the outcome; `without` names the extensions whose dependents the
// job leaves out, and goes back beside every outcome, so that the analysis worker keeps no state)
// Messages out: { stage, done, total } while it works, then { outcome: ArrayBuffer } holding JSON:
//   { result: 'dumped', server, dump, rewritten } | { result: 'build_failed', server, index, error }
//   | { result: 'failed', server, index, error } | { result: 'missing_extensions', server, extensions }
//   | { result: 'dump_failed', server, error }
//   | { result: 'crashed', error }
// The analysis worker judges the outcome; this file only runs PostgreSQL.

const encoder = new TextEncoder();

function finish(outcome) {
  const bytes = encoder.encode(JSON.stringify(outcome));
  self.postMessage({ outcome: bytes.buffer }, [bytes.buffer]);
}

let currentStage = 'starting';

function progress(stage, done, total) {
  currentStage = stage;
  self.postMessage({ stage, done, total });
}

// Any thrown value as text: PGlite and Emscripten throw Errors, strings and plain objects.
function describe(error) {
  if (error?.message) return String(error.message);
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

// An extension PGlite ships as a loadable module: contrib ones under contrib/, others in a folder.
async function extensionModule(name) {
  const id = name.replace(/-/g, '_');
  for (const path of [`./pglite/contrib/${id}.js`, `./pglite/${id}/index.js`]) {
    try {
      const module = await import(path);
      if (module[id]) return module[id];
    } catch {
      // not this path
    }
  }
  return undefined;
}

// What a failing statement's error says, as psql prints it: the message, then DETAIL, HINT, CONTEXT.
function errorText(error) {
  const lines = [`ERROR:  ${describe(error)}`];
  if (error.detail) lines.push(`DETAIL:  ${error.detail}`);
  if (error.hint) lines.push(`HINT:  ${error.hint}`);
  if (error.where) lines.push(`CONTEXT:  ${error.where}`);
  return lines.join('\n');
}

async function prove(job) {
  progress('starting PostgreSQL', 0, 1);
  const { PGlite } = await import('./pglite/index.js');
  const extensions = {};
  const missing = [];
  for (const name of job.extensions) {
    const module = await extensionModule(name);
    if (module) extensions[name.replace(/-/g, '_')] = module;
    else missing.push(name);
  }
  const pg = await PGlite.create({ extensions });
  const server = `PostgreSQL ${(await pg.query('SHOW server_version')).rows[0].server_version} (PGlite)`;
  if (missing.length) return { result: 'missing_extensions', server, extensions: missing };
  for (const role of job.roles) {
    try {
      await pg.exec(`CREATE ROLE "${role.replace(/"/g, '""')}"`);
    } catch {
      // it exists already
    }
  }
  const total = job.build.length;
  for (let index = 0; index < total; index++) {
    if (index % 50 === 0) progress('building the start', index, total);
    try {
      await pg.exec(job.build[index]);
    } catch (error) {
      return { result: 'build_failed', server, index, error: errorText(error) };
    }
  }
  for (let index = 0; index < job.script.length; index++) {
    progress('applying the script', index, job.script.length);
    try {
      await pg.exec(job.script[index]);
    } catch (error) {
      return { result: 'failed', server, index, error: errorText(error) };
    }
  }
  progress('dumping the result', 0, 1);
  const { pgDump } = await import('./pglite-tools/pg_dump.js');
  let dump;
  try {
    dump = await (await pgDump({ pg, args: job.dumpArgs })).text();
  } catch (error) {
    return { result: 'dump_failed', server, error: describe(error) };
  }
  await pg.close();
  return { result: 'dumped', server, dump, rewritten: job.rewritten };
}

self.onmessage = async (event) => {
  try {
    const job = JSON.parse(new TextDecoder().decode(event.data.job));
    finish({ ...(await prove(job)), without: job.without ?? [] });
  } catch (error) {
    finish({ result: 'crashed', error: `${describe(error)} (while ${currentStage})` });
  }
};
