// The official 100ms Node server SDK, unchanged, against the emulator: HTTPS_PROXY sends its calls
// to api.100ms.live through the emulator, which answers for that host. The simulation (people
// joining, the clock) goes straight to the control API with fetch, which ignores the proxy.
// Prints one JSON object of what each wrapper returned; the Python test judges it.
const { SDK } = require("@100mslive/server-sdk");

const control = process.env.EMULATOR_CONTROL;
const hms = new SDK();  // HMS_ACCESS_KEY and HMS_SECRET from the environment
hms.setLogLevel("silent");

async function simulate(path, body) {
  const answer = await fetch(control + path, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body ?? {}),
  });
  if (!answer.ok) throw new Error(`${path}: ${answer.status} ${await answer.text()}`);
  return answer.json();
}

async function all(iterator) {
  const out = [];
  for await (const item of iterator) out.push(item);
  return out;
}

async function failure(call) {
  try {
    await call();
    return null;
  } catch (error) {
    return { code: error.code, message: error.message };
  }
}

async function main() {
  const report = {};
  const room = await hms.rooms.create({ name: "sdk-room", description: "made by the SDK" });
  report.room = room;
  report.roomByName = await hms.rooms.retrieveByName("SDK-ROOM");
  report.roomById = await hms.rooms.retrieveById(room.id);
  report.updated = await hms.rooms.update(room.id, { description: "renamed" });
  report.disabled = await hms.rooms.enableOrDisable(room.id, false);
  report.enabled = await hms.rooms.enableOrDisable(room.id, true);
  for (let i = 0; i < 11; i++) await hms.rooms.create({ name: `page-${i}` });
  report.roomsListed = (await all(hms.rooms.list())).map((r) => r.name);
  report.missingRoom = await failure(() => hms.rooms.retrieveById("0123456789abcdef01234567"));

  report.roomCodes = await hms.roomCodes.create(room.id);
  report.guestCode = await hms.roomCodes.createForRole(room.id, "guest");
  report.codeDisabled = await hms.roomCodes.enableOrDisable(report.guestCode.code, false);
  report.codesListed = await all(hms.roomCodes.list(room.id, { enabled: true }));

  await simulate(`/100ms/rooms/${room.id}/session`, { peers: [{ name: "Ada", role: "host" }, { name: "Bob", role: "guest" }] });
  report.activeSession = await hms.sessions.retrieveActiveByRoom(room.id);
  report.activeRoom = await hms.activeRooms.retrieve(room.id);
  report.activePeers = await hms.activeRooms.retrieveActivePeers(room.id);
  const [adaId, bobId] = Object.keys(report.activePeers);
  report.peerDetails = await hms.activeRooms.retrievePeerDetails(room.id, adaId);
  report.peerUpdated = await hms.activeRooms.updatePeer(room.id, bobId, { metadata: "{\"hand\":true}", name: "Robert" });
  report.messageSent = await hms.activeRooms.sendMessage(room.id, { message: "hello", type: "chat" });

  report.recording = await hms.recordings.start(room.id, { resolution: { width: 1280, height: 720 } });
  report.liveStream = await hms.liveStreams.start(room.id, { recording: { hls_vod: true, single_file_per_layer: false } });
  report.externalStream = await hms.externalStreams.start(room.id, { rtmp_urls: ["rtmp://live.example.com/app/key"] });
  await simulate("/clock/advance", { seconds: 5 });
  report.recordingRunning = await hms.recordings.retrieve(report.recording.id);
  report.liveStreamRunning = await hms.liveStreams.retrieve(report.liveStream.id);
  report.metadataSent = await hms.liveStreams.sendTimedMetadata(report.liveStream.id, { payload: "poll open", duration: 5 });
  report.paused = await hms.liveStreams.pauseRecording(report.liveStream.id);
  report.resumed = await hms.liveStreams.resumeRecording(report.liveStream.id);
  report.externalRunning = await hms.externalStreams.retrieve(report.externalStream.id);
  report.liveStreamsListed = await all(hms.liveStreams.list({ room_id: room.id }));
  report.externalStreamsListed = await all(hms.externalStreams.list({ room_id: room.id }));
  await simulate("/clock/advance", { seconds: 120 });
  report.recordingStopped = await hms.recordings.stop(report.recording.id);
  report.liveStreamStopped = await hms.liveStreams.stop(report.liveStream.id);
  report.externalStopped = await hms.externalStreams.stopAll(room.id);
  report.stopAgain = await hms.recordings.stopAll(room.id);
  report.peerRemoved = await hms.activeRooms.removePeer(room.id, { peer_id: bobId, reason: "bye" });
  report.ended = await hms.activeRooms.end(room.id, { reason: "done", lock: false });
  await simulate("/clock/advance", { seconds: 60 });

  report.recordingsListed = await all(hms.recordings.list({ room_id: room.id }));
  report.assets = await all(hms.recordingAssets.list({ room_id: room.id }));
  const composite = report.assets.find((a) => a.type === "room-composite");
  report.asset = await hms.recordingAssets.retrieve(composite.id);
  report.presigned = await hms.recordingAssets.generatePreSignedURL(composite.id, 600);
  report.sessionsListed = await all(hms.sessions.list({ room_id: room.id }));
  report.session = await hms.sessions.retrieveById(report.activeSession.id);
  report.trackEvents = await all(hms.analytics.listTrackEvents({ room_id: room.id, type: ["track.add.success"] }));
  report.recordingEvents = await all(hms.analytics.listRecordingEvents({ room_id: room.id, type: "beam.recording.success" }));
  report.token = await hms.auth.getAuthToken({ roomId: room.id, role: "guest", userId: "u1" });
  console.log(JSON.stringify(report));
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
