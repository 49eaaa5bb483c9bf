package dev.camelassistant.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %maskedMsg}: the formatted message with secrets masked and CR/LF escaped (text format). */
public class MaskedMessageConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return LogMasker.maskSingleLine(event.getFormattedMessage());
    }
}
