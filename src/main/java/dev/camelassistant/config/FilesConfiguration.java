package dev.camelassistant.config;

import dev.camelassistant.audit.AuditEvents;
import dev.camelassistant.files.FileReplies;
import dev.camelassistant.files.TelegramFiles;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.PropertyInject;

/** Files of Telegram messages for Claude (routes/files.camel.yaml): photos, PDFs, text files. */
public class FilesConfiguration extends FeatureConfiguration {

    @PropertyInject("telegram.bot-token")
    String token;
    @BeanInject("audit")
    AuditEvents audit;

    @BindToRegistry("fileReplies")
    public FileReplies fileReplies() {
        return new FileReplies();
    }

    @BindToRegistry("telegramFiles")
    public TelegramFiles telegramFiles(FileReplies replies) {
        return new TelegramFiles(context.createProducerTemplate(), token, replies, audit);
    }
}
