package dev.camelassistant.telegram;

import dev.camelassistant.common.Markdown;

/**
 * Texts of the built-in commands. Like everything the bot sends they are Markdown (rendered by
 * the outbound route): "&lt;reference&gt;" stays as written (raw HTML is shown as text), and what a
 * user typed is escaped.
 */
public final class Commands {

    public String start() {
        return """
                Hello! I'm your personal assistant. Write to me and I'll ask Claude for you.
                I remember our conversation; send /new to start a fresh one.
                Tell me about yourself and I'll keep notes for every later conversation (/memory shows them).
                Ask me to remind you of something ("every weekday at 7:30, give me a briefing") and I will (/reminders lists them).

                """ + help();
    }

    public String help() {
        return """
                Commands:
                /start – this greeting
                /help – this list
                /new – start a fresh conversation (I forget what we said before)
                /memory – what I remember about you (kept across /new); /forget <number> or /forget all deletes notes
                /usage – tokens and cost, today and this month (the owner sees every chat)
                /health – state of the services I depend on (owner only)
                /audit <reference> – what happened to one message (owner only)
                /reminders – your reminders; /reminders cancel <id> cancels one

                Anything else you write goes to Claude.
                You can also send """ + dev.camelassistant.files.FileReplies.WHAT_I_READ + ", with a caption saying what to do with it.";
    }

    public String newConversation() {
        return "Fresh start: I've set our earlier conversation aside.";
    }

    public String newConversationFailed() {
        return "Sorry, I couldn't start a fresh conversation just now (my memory is unreachable). Please try /new again in a moment.";
    }

    public String refusal() {
        return "Sorry, this is a private assistant and this chat is not on its list.";
    }

    /** The one notice of a flood: the chat has CHAT_MAX_WAITING messages waiting for Claude. */
    public String slowDown() {
        return "You're writing faster than I can answer: many of your messages are still waiting for Claude."
               + " I'll answer those first; messages you send before I've caught up are not read."
               + " Please wait for my answers, then go on.";
    }

    public String adminOnly() {
        return "Sorry, only the owner of this assistant can use that command.";
    }

    public String unknown(String command) {
        return "I don't know the command " + Markdown.escape(command) + ".\n\n" + help();
    }
}
