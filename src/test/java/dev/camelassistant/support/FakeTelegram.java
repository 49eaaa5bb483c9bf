package dev.camelassistant.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * The Telegram Bot API as camel-telegram sees it, at the HTTP level (WireMock): getUpdates hands out
 * queued updates with Telegram's offset semantics (an update is confirmed, and forgotten, once a
 * later getUpdates asks for a higher offset; until then it is delivered again) and holds the
 * request briefly when there is nothing, like long polling; sendMessage and sendChatAction are
 * answered with the documented JSON and recorded; editMessageText changes a sent message's text (what
 * {@link #sentTo} shows) and is recorded as an {@link Edit}.
 * <p>
 * sendMessage is checked as Telegram checks it: a text with parse_mode HTML must follow
 * {@link TelegramHtmlRules} (else 400 "Bad Request: can't parse entities: ..."), and the visible
 * text must be neither empty (400 "Bad Request: message text is empty") nor longer than 4,096
 * UTF-16 units (400 "Bad Request: message is too long"). {@link #refuseNextHtml()} makes it refuse
 * the next HTML message as unparsable. getFile answers the File object of a file stored with {@link #storeFile}
 * (or queued with a photo or document message) and {@code /file/bot<token>/<file_path>} serves its bytes.
 */
public final class FakeTelegram implements AutoCloseable {

    public static final String TOKEN = FakeSecrets.botToken("123456789", "AAEfakeTokenForTestsOnly_abcdefghijklm");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;
    private final List<ObjectNode> pending = new ArrayList<>();
    private final AtomicLong nextUpdateId = new AtomicLong(1000);
    private final AtomicLong nextMessageId = new AtomicLong(1);
    private final AtomicLong polls = new AtomicLong();
    /** Hold an empty getUpdates for its whole {@code timeout}, as Telegram does, instead of 100 ms. */
    private volatile boolean fullLongPoll;
    /** Every getUpdates: when it arrived and how many updates it handed out. */
    private final List<Poll> pollLog = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean refuseNextHtml = new java.util.concurrent.atomic.AtomicBoolean();
    /** update id → System.nanoTime() when getUpdates first handed it out (for latency benchmarks). */
    private final java.util.concurrent.ConcurrentHashMap<Long, Long> handedOutAt = new java.util.concurrent.ConcurrentHashMap<>();
    /** chat id → System.nanoTime() of each sendMessage received, in order. */
    private final java.util.concurrent.ConcurrentHashMap<Long, java.util.List<Long>> receivedAt = new java.util.concurrent.ConcurrentHashMap<>();

    public FakeTelegram() {
        server = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(64)
                .extensions(new UpdatesTransformer()));
        server.start();
        server.stubFor(any(urlPathMatching("/bot[^/]+/getUpdates"))
                .willReturn(aResponse().withTransformers("fake-telegram-updates")));
        server.stubFor(post(urlPathMatching("/bot[^/]+/(send(Message|ChatAction)|editMessageText)"))
                .willReturn(aResponse().withTransformers("fake-telegram-updates")));
        server.stubFor(any(urlPathMatching("/bot[^/]+/getFile"))
                .willReturn(aResponse().withTransformers("fake-telegram-updates")));
        server.stubFor(any(urlPathMatching("/file/bot[^/]+/.+"))
                .willReturn(aResponse().withTransformers("fake-telegram-updates")));
    }

    /** A file the fake serves: getFile answers its file_path and size, /file/bot<token>/<file_path> its bytes. */
    private record StoredFile(String fileId, String fileUniqueId, String filePath, byte[] bytes, long reportedSize) {
    }

    private final Map<String, StoredFile> files = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, StoredFile> filesByPath = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong nextFileId = new AtomicLong(1);

    /**
     * Stores a file as Telegram would keep it: its id for messages, its path for downloads. {@code reportedSize}
     * is the file_size messages and getFile report (the bytes' length unless a test says otherwise, e.g. a
     * 25 MB file whose bytes are not worth making).
     */
    public String storeFile(byte[] bytes, String extension, long reportedSize) {
        long n = nextFileId.getAndIncrement();
        String fileId = "AgACAgIAAxkBAAIfake" + n;
        StoredFile f = new StoredFile(fileId, "AQADfake" + n, (extension.equals("jpg") ? "photos" : "documents") + "/file_" + n + "." + extension,
                bytes, reportedSize);
        files.put(fileId, f);
        filesByPath.put(f.filePath(), f);
        return fileId;
    }

    /** One size of a photo message: its bytes and the dimensions the message states. */
    public record PhotoSize(byte[] bytes, int width, int height) {
    }

    /** Queues a photo message with these sizes (smallest first, as Telegram sends them) and an optional caption. */
    public long sendPhoto(long chatId, String caption, PhotoSize... sizes) {
        ObjectNode message = messageFrom(chatId);
        ArrayNode photo = message.putArray("photo");
        for (PhotoSize size : sizes) {
            String fileId = storeFile(size.bytes(), "jpg", size.bytes().length);
            ObjectNode p = photo.addObject();
            p.put("file_id", fileId);
            p.put("file_unique_id", files.get(fileId).fileUniqueId());
            p.put("file_size", size.bytes().length);
            p.put("width", size.width());
            p.put("height", size.height());
        }
        if (caption != null) {
            message.put("caption", caption);
        }
        return enqueue("message", message);
    }

    /** Queues a document message (file_name, mime_type, file_size as given; the bytes served on download). */
    public long sendDocument(long chatId, String caption, String fileName, String mimeType, byte[] bytes, long fileSize) {
        ObjectNode message = messageFrom(chatId);
        String extension = fileName.contains(".") ? fileName.substring(fileName.lastIndexOf('.') + 1) : "bin";
        String fileId = storeFile(bytes, extension, fileSize);
        ObjectNode document = message.putObject("document");
        document.put("file_id", fileId);
        document.put("file_unique_id", files.get(fileId).fileUniqueId());
        document.put("file_name", fileName);
        if (mimeType != null) {
            document.put("mime_type", mimeType);
        }
        document.put("file_size", fileSize);
        if (caption != null) {
            message.put("caption", caption);
        }
        return enqueue("message", message);
    }

    /** Queues a voice message (audio/ogg, a few seconds). */
    public long sendVoice(long chatId) {
        ObjectNode message = messageFrom(chatId);
        String fileId = storeFile(new byte[] {'O', 'g', 'g', 'S'}, "oga", 4);
        ObjectNode voice = message.putObject("voice");
        voice.put("file_id", fileId);
        voice.put("file_unique_id", files.get(fileId).fileUniqueId());
        voice.put("duration", 3);
        voice.put("mime_type", "audio/ogg");
        voice.put("file_size", 4);
        return enqueue("message", message);
    }

    /** The getFile calls so far (the file ids asked for, in order). */
    public List<String> getFileRequests() {
        List<LoggedRequest> found = new ArrayList<>(requests("getFile"));
        java.util.Collections.reverse(found);
        return found.stream().map(r -> query(r.getUrl()).getOrDefault("file_id", "")).collect(Collectors.toList());
    }

    /** How many file downloads (/file/bot<token>/...) were served. */
    public int downloads() {
        return server.findAll(anyRequestedFor(urlPathMatching("/file/bot[^/]+/.+"))).size();
    }

    private ObjectNode messageFrom(long chatId) {
        ObjectNode message = JSON.createObjectNode();
        message.put("message_id", nextMessageId.getAndIncrement());
        message.set("from", user(chatId));
        message.set("chat", chat(chatId, "private"));
        message.put("date", System.currentTimeMillis() / 1000);
        return message;
    }

    private static Map<String, String> query(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return Map.of();
        }
        return java.util.Arrays.stream(url.substring(q + 1).split("&"))
                .map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> p.length > 1
                        ? java.net.URLDecoder.decode(p[1], java.nio.charset.StandardCharsets.UTF_8) : "", (a, b) -> b));
    }

    /**
     * The next sendMessage whose text contains {@code fragment} is answered (and accepted) only after
     * {@code millis}: a slow Telegram that does deliver in the end.
     */
    public void holdNext(String fragment, long millis) {
        holdFirst.set(new String[] {fragment, String.valueOf(millis)});
    }

    private final java.util.concurrent.atomic.AtomicReference<String[]> holdFirst =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** The next sendMessage with parse_mode HTML is refused with 400 "can't parse entities". */
    public void refuseNextHtml() {
        refuseNextHtml.set(true);
    }

    /** The sendMessage calls accepted so far (answered 200), in order, each as the chat shows it now (after edits). */
    public List<Sent> accepted() {
        synchronized (received) {
            return received.stream().filter(r -> r.messageId != 0).map(Received::current).collect(Collectors.toList());
        }
    }

    public List<Sent> acceptedTo(long chatId) {
        return accepted().stream().filter(s -> s.chatId() == chatId).collect(Collectors.toList());
    }

    public WireMockServer server() {
        return server;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public long polls() {
        return polls.get();
    }

    /** A getUpdates call: when it arrived (System.nanoTime()) and how many updates it handed out. */
    public record Poll(long arrivedAt, int handedOut) {
    }

    /** Every getUpdates so far, in order of arrival. */
    public List<Poll> pollLog() {
        return List.copyOf(pollLog);
    }

    /**
     * From now on an empty getUpdates is held for the whole long-poll {@code timeout} it asks for (or
     * until an update is queued), as Telegram does; by default it is held 100 ms. For measuring what
     * a stop costs while the bot waits in a long poll.
     */
    public void holdPollsLikeTelegram() {
        fullLongPoll = true;
    }

    /** Queues a text message from a private chat; returns its update id. */
    public long sendText(long chatId, String text) {
        ObjectNode message = JSON.createObjectNode();
        message.put("message_id", nextMessageId.getAndIncrement());
        message.set("from", user(chatId));
        message.set("chat", chat(chatId, "private"));
        message.put("date", System.currentTimeMillis() / 1000);
        message.put("text", text);
        return enqueue("message", message);
    }

    /** The message id of a queued message update (sendText's return value is the update id). */
    public long messageIdOf(long updateId) {
        synchronized (pending) {
            return queued.get(updateId).path("message").path("message_id").asLong();
        }
    }

    /** Queues an {@code edited_message}: a new text for message {@code messageId} of a private chat. */
    public long sendEdit(long chatId, long messageId, String text) {
        ObjectNode message = JSON.createObjectNode();
        message.put("message_id", messageId);
        message.set("from", user(chatId));
        message.set("chat", chat(chatId, "private"));
        message.put("date", System.currentTimeMillis() / 1000 - 5);
        message.put("edit_date", System.currentTimeMillis() / 1000);
        message.put("text", text);
        return enqueue("edited_message", message);
    }

    /** Queues a text message that replies to message {@code repliedTo} (whose text was {@code repliedText}). */
    public long sendReply(long chatId, String text, long repliedTo, String repliedText) {
        ObjectNode message = JSON.createObjectNode();
        message.put("message_id", nextMessageId.getAndIncrement());
        message.set("from", user(chatId));
        message.set("chat", chat(chatId, "private"));
        message.put("date", System.currentTimeMillis() / 1000);
        message.put("text", text);
        ObjectNode replied = message.putObject("reply_to_message");
        replied.put("message_id", repliedTo);
        replied.set("chat", chat(chatId, "private"));
        replied.put("date", System.currentTimeMillis() / 1000 - 60);
        replied.put("text", repliedText);
        return enqueue("message", message);
    }

    /** Queues a sticker (a message without text). */
    public long sendSticker(long chatId) {
        ObjectNode message = JSON.createObjectNode();
        message.put("message_id", nextMessageId.getAndIncrement());
        message.set("from", user(chatId));
        message.set("chat", chat(chatId, "private"));
        message.put("date", System.currentTimeMillis() / 1000);
        ObjectNode sticker = message.putObject("sticker");
        sticker.put("file_id", "CAACAgIAAxkBAAEfake");
        sticker.put("file_unique_id", "AgADfake");
        sticker.put("width", 512);
        sticker.put("height", 512);
        sticker.put("is_animated", false);
        sticker.put("is_video", false);
        sticker.put("type", "regular");
        return enqueue("message", message);
    }

    /** Queues an update of another kind, e.g. "edited_message" or "callback_query" with its JSON. */
    public long sendRaw(String field, ObjectNode value) {
        return enqueue(field, value);
    }

    public long enqueue(String field, ObjectNode value) {
        ObjectNode update = JSON.createObjectNode();
        long id = nextUpdateId.getAndIncrement();
        update.put("update_id", id);
        update.set(field, value);
        synchronized (pending) {
            queued.put(id, update);
            pending.add(update);
            pending.notifyAll();
        }
        return id;
    }

    /**
     * Hands out an update queued before once more, unchanged (same update_id, same message): what Telegram
     * does when the bot's offset was lost, e.g. after a crash. A no-op while that update is still pending.
     */
    public void redeliver(long updateId) {
        synchronized (pending) {
            ObjectNode update = queued.get(updateId);
            if (update == null) {
                throw new IllegalArgumentException("no update " + updateId + " was queued");
            }
            if (pending.stream().noneMatch(u -> u.get("update_id").asLong() == updateId)) {
                pending.add(0, update.deepCopy());
                pending.notifyAll();
            }
        }
    }

    /** Every update ever queued, by id (for {@link #redeliver}). */
    private final Map<Long, ObjectNode> queued = new java.util.HashMap<>();

    /**
     * Every sendMessage so far, in the order received: chat_id and text, the text as the chat shows it now
     * (after any editMessageText of that message).
     */
    public List<Sent> sentMessages() {
        List<com.github.tomakehurst.wiremock.stubbing.ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        java.util.Collections.reverse(events); // WireMock lists the newest first
        List<Sent> out = new ArrayList<>();
        for (var event : events) {
            if (!event.getRequest().getUrl().contains("/sendMessage")) {
                continue;
            }
            Sent asSent = toSent(event.getRequest());
            Received now = null;
            try {
                long id = JSON.readTree(event.getResponse().getBodyAsString()).path("result").path("message_id").asLong(0);
                now = id == 0 ? null : byMessageId.get(id);
            } catch (Exception e) {
                // not a JSON answer: the request as sent
            }
            out.add(now == null ? asSent : now.current());
        }
        return out;
    }

    private static Sent toSent(LoggedRequest r) {
        try {
            JsonNode body = JSON.readTree(r.getBodyAsString());
            return new Sent(body.path("chat_id").asLong(), body.path("text").asText(null),
                    body.path("parse_mode").asText(null));
        } catch (Exception e) {
            return new Sent(0, "<unparsable body: " + r.getBodyAsString() + ">", null);
        }
    }

    public List<Sent> sentTo(long chatId) {
        return sentMessages().stream().filter(s -> s.chatId() == chatId).collect(Collectors.toList());
    }

    /** Every editMessageText Telegram accepted, in order. */
    public List<Edit> edits() {
        synchronized (edits) {
            return new ArrayList<>(edits);
        }
    }

    public List<Edit> editsTo(long chatId) {
        return edits().stream().filter(e -> e.chatId() == chatId).collect(Collectors.toList());
    }

    /** How many editMessageText calls were refused with 400 "message is not modified". */
    public int notModified() {
        return notModified.get();
    }

    /** An accepted edit: the message, its new text, and when it arrived (System.nanoTime()). */
    public record Edit(long chatId, long messageId, String text, String parseMode, long atNanos) {
    }

    /** An accepted sendMessage; the text changes with accepted edits. */
    private static final class Received {
        final long chatId;
        final long messageId;
        volatile String text;
        volatile String parseMode;

        Received(long chatId, long messageId, String text, String parseMode) {
            this.chatId = chatId;
            this.messageId = messageId;
            this.text = text;
            this.parseMode = parseMode;
        }

        Sent current() {
            return new Sent(chatId, text, parseMode);
        }
    }

    private final List<Received> received = new ArrayList<>();
    private final Map<Long, Received> byMessageId = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Edit> edits = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger notModified = new java.util.concurrent.atomic.AtomicInteger();

    public List<LoggedRequest> requests(String method) {
        return server.findAll(anyRequestedFor(urlPathMatching("/bot[^/]+/" + method)));
    }

    /** When getUpdates first handed out this update (System.nanoTime()), or null. */
    public Long handedOutAt(long updateId) {
        return handedOutAt.get(updateId);
    }

    /** System.nanoTime() of each sendMessage to this chat, in arrival order. */
    public java.util.List<Long> receivedAt(long chatId) {
        java.util.List<Long> l = receivedAt.get(chatId);
        if (l == null) {
            return java.util.List.of();
        }
        synchronized (l) {
            return new ArrayList<>(l);
        }
    }

    /** Number of sendMessage calls so far (cheaper than {@link #sentMessages()}). */
    public int sentCount() {
        synchronized (sentSignal) {
            return sentTotal;
        }
    }

    /** Blocks (without spinning) until at least {@code count} sendMessage calls arrived; false on timeout. */
    public boolean awaitSentCount(int count, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (sentSignal) {
            while (sentTotal < count) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                sentSignal.wait(left);
            }
            return true;
        }
    }

    private final Object sentSignal = new Object();
    private int sentTotal;

    public record Sent(long chatId, String text, String parseMode) {
        /** What the chat shows: the text itself, or for parse_mode HTML the text with tags removed and entities decoded. */
        public String visible() {
            return "HTML".equalsIgnoreCase(parseMode) ? TelegramHtmlRules.parse(text).visibleText() : text;
        }
    }

    private static ObjectNode user(long id) {
        ObjectNode u = JSON.createObjectNode();
        u.put("id", id);
        u.put("is_bot", false);
        u.put("first_name", "Tester");
        return u;
    }

    private static ObjectNode chat(long id, String type) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", id);
        c.put("type", type);
        return c;
    }

    @Override
    public void close() {
        synchronized (pending) {
            closed = true;
            pending.notifyAll();
        }
        server.stop();
    }

    private final class UpdatesTransformer implements ResponseDefinitionTransformerV2 {

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            String url = event.getRequest().getUrl();
            if (url.contains("/sendMessage")) {
                return sendMessageAnswer(event.getRequest().getBodyAsString());
            }
            if (url.contains("/editMessageText")) {
                return editMessageTextAnswer(event.getRequest().getBodyAsString());
            }
            if (url.contains("/sendChatAction")) {
                return json("{\"ok\":true,\"result\":true}");
            }
            if (url.startsWith("/file/bot")) {
                return download(url);
            }
            if (url.contains("/getFile")) {
                return getFileAnswer(url);
            }
            polls.incrementAndGet();
            long arrivedAt = System.nanoTime();
            Map<String, String> query = query(url);
            long offset = query.containsKey("offset") ? Long.parseLong(query.get("offset")) : 0;
            int limit = query.containsKey("limit") ? Integer.parseInt(query.get("limit")) : 100;
            ArrayNode result = JSON.createArrayNode();
            synchronized (pending) {
                pending.removeIf(u -> u.get("update_id").asLong() < offset);
                long holdMs = fullLongPoll && query.containsKey("timeout")
                        ? Long.parseLong(query.get("timeout")) * 1000 : 100;
                long until = System.currentTimeMillis() + holdMs;
                try {
                    while (pending.isEmpty() && !closed && System.currentTimeMillis() < until) {
                        pending.wait(Math.max(1, until - System.currentTimeMillis()));
                        if (!fullLongPoll) {
                            break;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                long now = System.nanoTime();
                pending.stream().limit(limit).forEach(u -> {
                    result.add(u);
                    handedOutAt.putIfAbsent(u.get("update_id").asLong(), now);
                });
            }
            pollLog.add(new Poll(arrivedAt, result.size()));
            ObjectNode answer = JSON.createObjectNode();
            answer.put("ok", true);
            answer.set("result", result);
            return json(answer.toString());
        }

        /**
         * getFile as Telegram answers it: the File object ({@code file_id, file_unique_id, file_size,
         * file_path}); 400 "Bad Request: invalid file_id" for an unknown id, 400 "Bad Request: file is too big"
         * over 20 MB.
         */
        private ResponseDefinition getFileAnswer(String url) {
            StoredFile f = files.get(FakeTelegram.query(url).getOrDefault("file_id", ""));
            if (f == null) {
                return badRequest("invalid file_id");
            }
            if (f.reportedSize() > 20L * 1024 * 1024) {
                return badRequest("file is too big");
            }
            ObjectNode result = JSON.createObjectNode();
            result.put("file_id", f.fileId());
            result.put("file_unique_id", f.fileUniqueId());
            result.put("file_size", f.bytes().length);
            result.put("file_path", f.filePath());
            ObjectNode answer = JSON.createObjectNode();
            answer.put("ok", true);
            answer.set("result", result);
            return json(answer.toString());
        }

        /** The bytes of {@code /file/bot<token>/<file_path>}, or 404. */
        private ResponseDefinition download(String url) {
            String path = url.replaceFirst("^/file/bot[^/]+/", "");
            int q = path.indexOf('?');
            StoredFile f = filesByPath.get(q < 0 ? path : path.substring(0, q));
            if (f == null) {
                return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition()
                        .withStatus(404).withBody("{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}").build();
            }
            return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition()
                    .withStatus(200).withHeader("Content-Type", "application/octet-stream").withBody(f.bytes()).build();
        }

        private ResponseDefinition sendMessageAnswer(String body) {
            JsonNode req;
            try {
                req = JSON.readTree(body);
            } catch (Exception e) {
                return new ResponseDefinition(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request\"}");
            }
            return sendMessageChecked(req);
        }

        /** The problem Telegram finds in a message text (the 400 description after "Bad Request: "), or null. */
        private String refusal(String text, String parseMode) {
            String visible = text;
            if ("HTML".equalsIgnoreCase(parseMode)) {
                if (refuseNextHtml.compareAndSet(true, false)) {
                    return "can't parse entities: refused by the test";
                }
                TelegramHtmlRules.Parsed parsed = TelegramHtmlRules.parse(text);
                if (!parsed.ok()) {
                    return "can't parse entities: " + parsed.error();
                }
                visible = parsed.visibleText();
            }
            if (visible.isBlank()) {
                return "message text is empty";
            }
            if (visible.length() > TelegramHtmlRules.LIMIT) {
                return "message is too long";
            }
            return null;
        }

        /**
         * editMessageText as Telegram answers it: 400 "message to edit not found" for an unknown message
         * of the chat, 400 "message is not modified: ..." for the text (and parse mode) it shows already,
         * the text rules of sendMessage, else 200 with the edited message.
         */
        private ResponseDefinition editMessageTextAnswer(String body) {
            try {
                JsonNode req = JSON.readTree(body);
                long chatId = req.path("chat_id").asLong();
                long messageId = req.path("message_id").asLong();
                String text = req.path("text").asText("");
                String parseMode = req.path("parse_mode").asText(null);
                Received message = byMessageId.get(messageId);
                if (message == null || message.chatId != chatId) {
                    return badRequest("message to edit not found");
                }
                if (text.equals(message.text) && java.util.Objects.equals(parseMode, message.parseMode)) {
                    notModified.incrementAndGet();
                    return badRequest("message is not modified: specified new message content and reply markup of the"
                                      + " new message are exactly the same as a current content and reply markup of the message");
                }
                String problem = refusal(text, parseMode);
                if (problem != null) {
                    return badRequest(problem);
                }
                message.text = text;
                message.parseMode = parseMode;
                synchronized (edits) {
                    edits.add(new Edit(chatId, messageId, text, parseMode, System.nanoTime()));
                }
                return messageResult(messageId, chatId, text, true);
            } catch (Exception e) {
                return new ResponseDefinition(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request\"}");
            }
        }

        private ResponseDefinition sendMessageChecked(JsonNode req) {
            try {
                String text = req.path("text").asText("");
                String[] hold = holdFirst.get();
                if (hold != null && text.contains(hold[0]) && holdFirst.compareAndSet(hold, null)) {
                    Thread.sleep(Long.parseLong(hold[1]));
                }
                String parseMode = req.path("parse_mode").asText(null);
                String problem = refusal(text, parseMode);
                if (problem != null) {
                    return badRequest(problem);
                }
                receivedAt.computeIfAbsent(req.path("chat_id").asLong(),
                        k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(System.nanoTime());
                long messageId = nextMessageId.getAndIncrement();
                Received entry = new Received(req.path("chat_id").asLong(), messageId, text, parseMode);
                byMessageId.put(messageId, entry);
                synchronized (received) {
                    received.add(entry);
                }
                synchronized (sentSignal) {
                    sentTotal++;
                    sentSignal.notifyAll();
                }
                return messageResult(messageId, req.path("chat_id").asLong(), text, false);
            } catch (Exception e) {
                return new ResponseDefinition(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request\"}");
            }
        }

        /** Telegram's answer to a sent or edited message: ok, and the Message as it now reads. */
        private ResponseDefinition messageResult(long messageId, long chatId, String text, boolean edited) {
            ObjectNode result = JSON.createObjectNode();
            result.put("message_id", messageId);
            result.set("chat", chat(chatId, "private"));
            result.put("date", System.currentTimeMillis() / 1000);
            if (edited) {
                result.put("edit_date", System.currentTimeMillis() / 1000);
            }
            result.put("text", text);
            ObjectNode answer = JSON.createObjectNode();
            answer.put("ok", true);
            answer.set("result", result);
            return json(answer.toString());
        }

        /** Telegram's documented answer to a refused request: 400 with "Bad Request: " and the reason. */
        private ResponseDefinition badRequest(String reason) {
            ObjectNode answer = JSON.createObjectNode();
            answer.put("ok", false);
            answer.put("error_code", 400);
            answer.put("description", "Bad Request: " + reason);
            return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition()
                    .withStatus(400).withHeader("Content-Type", "application/json").withBody(answer.toString()).build();
        }

        private ResponseDefinition json(String body) {
            return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition()
                    .withStatus(200).withHeader("Content-Type", "application/json").withBody(body).build();
        }

        private Map<String, String> query(String url) {
            int q = url.indexOf('?');
            if (q < 0) {
                return Map.of();
            }
            return java.util.Arrays.stream(url.substring(q + 1).split("&"))
                    .map(p -> p.split("=", 2))
                    .collect(Collectors.toMap(p -> p[0], p -> p.length > 1 ? p[1] : "", (a, b) -> b));
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return "fake-telegram-updates";
        }
    }
}
