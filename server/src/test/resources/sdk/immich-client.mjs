// Drives a Shoebox server through Immich's own SDK (@immich/sdk 3.1.0), making the calls Immich's
// web and mobile apps make, and checks each answer. Run by ImmichSdkTest:
//   node immich-client.mjs <sdk-dir> <base-url> <admin-email> <admin-password>
// Prints one line per step ("ok <step>" or "FAIL <step>: <why>") and a closing "N passed, M failed".
import { pathToFileURL } from 'node:url';

const [sdkDir, baseUrl, adminEmail, adminPassword] = process.argv.slice(2);
const sdk = await import(pathToFileURL(`${sdkDir}/build/index.js`).href);

let passed = 0;
let failed = 0;
const steps = [];

function check(condition, why) {
  if (!condition) {
    throw new Error(why);
  }
}

async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok ${name}`);
  } catch (e) {
    failed++;
    const body = e?.data ? ` ${JSON.stringify(e.data)}` : '';
    console.log(`FAIL ${name}: ${e?.message ?? e}${body}`);
  }
}

/** Runs fn, which must fail with an HTTP error of `status`; returns the error body. */
async function refused(status, fn) {
  try {
    await fn();
  } catch (e) {
    check(sdk.isHttpError(e), `expected an HTTP error, got ${e}`);
    check(e.status === status, `expected HTTP ${status}, got ${e.status} ${JSON.stringify(e.data)}`);
    check(e.data && typeof e.data.message === 'string', `no message in ${JSON.stringify(e.data)}`);
    for (const key of Object.keys(e.data)) {
      check(key === 'message' || key === 'errors', `error body has ${key}: ${JSON.stringify(e.data)}`);
    }
    return e.data;
  }
  throw new Error(`expected HTTP ${status}, but the call succeeded`);
}

// A tiny but real PNG (1x1), as a phone would upload it.
const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e221bc330000000049454e44ae426082', 'hex');
const asBlob = (bytes) => new Blob([bytes]);
const now = new Date().toISOString();

sdk.init({ baseUrl: `${baseUrl}/api` });
let admin;
let friend;
let assetId;
let secondAssetId;
let albumId;
let tagId;
let stackId;

await step('server discovery (ping, version, features, config, media types)', async () => {
  check((await sdk.pingServer()).res === 'pong', 'ping');
  const version = await sdk.getServerVersion();
  check(version.major === 3 && version.minor === 1, `version ${JSON.stringify(version)}`);
  const features = await sdk.getServerFeatures();
  check(features.trash === true && features.facialRecognition === false, JSON.stringify(features));
  check((await sdk.getServerConfig()).isInitialized === true, 'server config');
  check((await sdk.getSupportedMediaTypes()).image.includes('.jpg'), 'media types');
});

await step('unauthenticated calls are refused as Immich refuses them', async () => {
  const body = await refused(401, () => sdk.getMyUser());
  check(body.message === 'Authentication required', body.message);
});

await step('login and the signed-in user', async () => {
  const login = await sdk.login({ loginCredentialDto: { email: adminEmail, password: adminPassword } });
  check(login.accessToken && login.isAdmin, JSON.stringify(login));
  admin = { headers: { Authorization: `Bearer ${login.accessToken}` } };
  const me = await sdk.getMyUser(admin);
  check(me.email === adminEmail, me.email);
  const sessions = await sdk.getSessions(admin);
  check(sessions.filter((s) => s.current).length === 1, JSON.stringify(sessions));
});

await step('preferences read and updated', async () => {
  const prefs = await sdk.getMyPreferences(admin);
  check(prefs.albums.defaultAssetOrder === 'desc', JSON.stringify(prefs.albums));
  const updated = await sdk.updateMyPreferences({ userPreferencesUpdateDto: { tags: { enabled: true, sidebarWeb: true } } }, admin);
  check(updated.tags.enabled === true && updated.tags.sidebarWeb === true, JSON.stringify(updated.tags));
});

await step('upload, duplicate and bulk upload check', async () => {
  const created = await sdk.uploadAsset({ assetMediaCreateDto: {
    assetData: asBlob(png), filename: 'pixel.png', fileCreatedAt: now, fileModifiedAt: now, isFavorite: false,
  } }, admin);
  check(created.status === 'created', JSON.stringify(created));
  assetId = created.id;
  const again = await sdk.uploadAsset({ assetMediaCreateDto: {
    assetData: asBlob(png), filename: 'pixel-again.png', fileCreatedAt: now, fileModifiedAt: now,
  } }, admin);
  check(again.status === 'duplicate' && again.id === assetId, JSON.stringify(again));
  // A PNG named like a video is stored as the PNG it is.
  const other = Buffer.concat([png, Buffer.from('shoebox')]);
  const misnamed = await sdk.uploadAsset({ assetMediaCreateDto: {
    assetData: asBlob(other), filename: 'clip.mp4', fileCreatedAt: now, fileModifiedAt: now,
  } }, admin);
  check(misnamed.status === 'created', JSON.stringify(misnamed));
  secondAssetId = misnamed.id;
  const info = await sdk.getAssetInfo({ id: secondAssetId }, admin);
  check(info.type === 'IMAGE' && info.originalMimeType === 'image/png', `${info.type} ${info.originalMimeType}`);
  const checked = await sdk.checkBulkUpload({ assetBulkUploadCheckDto: { assets: [
    { id: 'a', checksum: info.checksum }, { id: 'b', checksum: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
  ] } }, admin);
  check(checked.results[0].action === 'reject' && checked.results[1].action === 'accept', JSON.stringify(checked));
});

await step('asset details, update and statistics', async () => {
  const info = await sdk.getAssetInfo({ id: assetId }, admin);
  check(info.id === assetId && info.exifInfo && info.stack === null, JSON.stringify(info).slice(0, 300));
  const updated = await sdk.updateAsset({ id: assetId, updateAssetDto: { isFavorite: true } }, admin);
  check(updated.isFavorite === true, 'favorite');
  const stats = await sdk.getAssetStatistics({}, admin);
  check(stats.images >= 2, JSON.stringify(stats));
});

await step('validation errors carry zod issues', async () => {
  const body = await refused(400, () => sdk.getAssetInfo({ id: 'not-a-uuid' }, admin));
  check(body.message === 'Validation failed', body.message);
  check(body.errors[0].message === 'Invalid UUID' && body.errors[0].path[0] === 'id', JSON.stringify(body.errors));
  const missing = await refused(400, () => sdk.getAssetInfo({ id: '4d1ad6c0-7c5d-4c8e-9d0a-3c2c5b1f2e10' }, admin));
  check(missing.message === 'Not found or no asset.read access', missing.message);
});

await step('a second user, and an album shared with them as a viewer', async () => {
  await sdk.createUserAdmin({ userAdminCreateDto: { email: 'friend@example.com', name: 'Friend', password: 'friend-password' } }, admin);
  const login = await sdk.login({ loginCredentialDto: { email: 'friend@example.com', password: 'friend-password' } });
  friend = { headers: { Authorization: `Bearer ${login.accessToken}` } };
  const album = await sdk.createAlbum({ createAlbumDto: {
    albumName: 'Shared', assetIds: [assetId], albumUsers: [{ userId: login.userId, role: 'viewer' }],
  } }, admin);
  albumId = album.id;
  check(album.shared === true && album.albumUsers.length === 2, JSON.stringify(album.albumUsers));
  const shared = await sdk.getAllAlbums({ isShared: true }, friend);
  check(shared.some((a) => a.id === albumId), 'listed as shared');
  const seen = await sdk.getAssetInfo({ id: assetId }, friend);
  check(seen.id === assetId, 'the viewer sees the album asset');
  await refused(400, () => sdk.getAssetInfo({ id: secondAssetId }, friend));
  const mine = await sdk.uploadAsset({ assetMediaCreateDto: {
    assetData: asBlob(Buffer.concat([png, Buffer.from('friend')])), filename: 'friend.png', fileCreatedAt: now, fileModifiedAt: now,
  } }, friend);
  const denied = await refused(400, () => sdk.addAssetsToAlbum({ id: albumId, bulkIdsDto: { ids: [mine.id] } }, friend));
  check(denied.message === 'Not found or no albumAsset.create access', denied.message);
  await sdk.updateAlbumUser({ id: albumId, userId: login.userId, updateAlbumUserDto: { role: 'editor' } }, admin);
  const added = await sdk.addAssetsToAlbum({ id: albumId, bulkIdsDto: { ids: [mine.id] } }, friend);
  check(added[0].success === true, JSON.stringify(added));
  const info = await sdk.getAlbumInfo({ id: albumId }, admin);
  check(info.assetCount === 2, `assetCount ${info.assetCount}`);
});

await step('tags', async () => {
  const tag = await sdk.createTag({ tagCreateDto: { name: 'SDK' } }, admin);
  tagId = tag.id;
  const coloured = await sdk.updateTag({ id: tagId, tagUpdateDto: { color: '#00ff00' } }, admin);
  check(coloured.color === '#00ff00', JSON.stringify(coloured));
  const tagged = await sdk.tagAssets({ id: tagId, bulkIdsDto: { ids: [assetId] } }, admin);
  check(tagged[0].success === true, JSON.stringify(tagged));
  const foreign = await refused(400, () => sdk.updateTag({ id: tagId, tagUpdateDto: { color: '#000000' } }, friend));
  check(foreign.message === 'Not found or no tag.update access', foreign.message);
});

await step('stacks', async () => {
  const stack = await sdk.createStack({ stackCreateDto: { assetIds: [assetId, secondAssetId] } }, admin);
  stackId = stack.id;
  const updated = await sdk.updateStack({ id: stackId, stackUpdateDto: { primaryAssetId: secondAssetId } }, admin);
  check(updated.primaryAssetId === secondAssetId, JSON.stringify(updated).slice(0, 200));
  const read = await sdk.getStack({ id: stackId }, admin);
  check(read.assets.every((a) => a.exifInfo), 'stack assets carry exifInfo');
  const info = await sdk.getAssetInfo({ id: assetId }, admin);
  check(info.stack && info.stack.id === stackId && info.stack.assetCount === 2, JSON.stringify(info.stack));
});

await step('API keys', async () => {
  const created = await sdk.createApiKey({ apiKeyCreateDto: { name: 'sdk', permissions: ['asset.read'] } }, admin);
  const id = created.apiKey.id;
  check((await sdk.getApiKey({ id }, admin)).name === 'sdk', 'read');
  check((await sdk.updateApiKey({ id, apiKeyUpdateDto: { name: 'sdk-renamed' } }, admin)).name === 'sdk-renamed', 'rename');
  const foreign = await refused(400, () => sdk.getApiKey({ id }, friend));
  check(foreign.message === 'API Key not found', foreign.message);
  const limited = { headers: { 'x-api-key': created.secret } };
  const missing = await refused(403, () => sdk.getAllAlbums({}, limited));
  check(missing.message === 'Missing required permission: album.read', missing.message);
  await sdk.deleteApiKey({ id }, admin);
});

await step('search, trash and restore', async () => {
  const found = await sdk.searchAssets({ metadataSearchDto: { originalFileName: 'pixel' } }, admin);
  check(found.assets.items.some((a) => a.id === assetId), 'search finds the upload');
  await sdk.deleteAssets({ assetBulkDeleteDto: { ids: [assetId] } }, admin);
  check((await sdk.getAssetInfo({ id: assetId }, admin)).isTrashed === true, 'trashed');
  check((await sdk.restoreTrash(admin)).count >= 1, 'restored');
});

await step('server administration (about, storage, statistics, system config, onboarding, queues)', async () => {
  const about = await sdk.getAboutInfo(admin);
  check(about.version === 'v3.1.0' && about.licensed === false, JSON.stringify(about));
  const storage = await sdk.getStorage(admin);
  check(storage.diskSizeRaw > 0, JSON.stringify(storage));
  check((await sdk.getServerStatistics(admin)).usageByUser.length >= 2, 'statistics');
  const config = await sdk.getConfig(admin);
  check(config.job.thumbnailGeneration.concurrency >= 1 && config.machineLearning.enabled === false, 'system config');
  await sdk.updateAdminOnboarding({ adminOnboardingUpdateDto: { isOnboarded: true } }, admin);
  check((await sdk.getAdminOnboarding(admin)).isOnboarded === true, 'onboarded');
  const licence = await refused(404, () => sdk.getServerLicense(admin));
  check(licence.message === 'Not Found', licence.message);
  const queues = await sdk.getQueues(admin);
  check(queues.some((q) => q.name === 'thumbnailGeneration'), 'queues');
  const forbidden = await refused(403, () => sdk.getConfig(friend));
  check(forbidden.message === 'Forbidden', forbidden.message);
});

await step('sessions end', async () => {
  await sdk.deleteAllSessions(admin);
  check((await sdk.getSessions(admin)).length === 1, 'only the current session is left');
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
