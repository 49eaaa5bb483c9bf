package dev.camelassistant.logging;

import com.fasterxml.jackson.core.JsonStreamContext;
import net.logstash.logback.mask.ValueMasker;

/** logstash-logback-encoder hook: every string value of a JSON log line goes through {@link LogMasker}. */
public class MaskingValueMasker implements ValueMasker {

    @Override
    public Object mask(JsonStreamContext context, Object value) {
        if (value instanceof CharSequence cs) {
            String text = cs.toString();
            String masked = LogMasker.mask(text);
            return masked.equals(text) ? null : masked;
        }
        return null;
    }
}
