package dev.camelassistant.usage;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.util.Locale;

/** Numbers for people: thousands separators, dollars with cents, small amounts with two significant digits. */
public final class Money {

    private Money() {
    }

    /** $4.21, $1,234.50, $0.042, $0.00031, $0.00. */
    public static String usd(double amount) {
        if (amount <= 0 || Double.isNaN(amount)) {
            return "$0.00";
        }
        BigDecimal value = BigDecimal.valueOf(amount);
        if (amount >= 0.995) {
            return "$" + String.format(Locale.ROOT, "%,.2f", amount);
        }
        BigDecimal rounded = value.round(new MathContext(2, RoundingMode.HALF_UP));
        if (rounded.scale() < 2) {
            rounded = rounded.setScale(2, RoundingMode.HALF_UP);
        }
        return "$" + rounded.stripTrailingZeros().setScale(Math.max(2, rounded.stripTrailingZeros().scale()),
                RoundingMode.HALF_UP).toPlainString();
    }

    /** 1,234,567 */
    public static String count(long n) {
        return NumberFormat.getIntegerInstance(Locale.ROOT).format(n).replace('\u00a0', ',');
    }
}
