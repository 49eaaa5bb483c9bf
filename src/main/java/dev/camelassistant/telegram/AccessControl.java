package dev.camelassistant.telegram;

import java.util.Set;
import java.util.stream.Collectors;

import dev.camelassistant.config.Settings;

/** Who may talk to the bot: the admin chat (everything) and the allowed chats (Claude, /start, /help). */
public final class AccessControl {

    private final String adminChatId;
    private final Set<String> allowedChatIds;

    public AccessControl(String adminChatId, String allowedChatIds) {
        this.adminChatId = adminChatId == null ? "" : adminChatId.trim();
        this.allowedChatIds = Settings.splitList(allowedChatIds).stream().collect(Collectors.toUnmodifiableSet());
    }

    public boolean isAdmin(String chatId) {
        return chatId != null && !adminChatId.isEmpty() && adminChatId.equals(chatId.trim());
    }

    public boolean isAllowed(String chatId) {
        return isAdmin(chatId) || chatId != null && allowedChatIds.contains(chatId.trim());
    }
}
