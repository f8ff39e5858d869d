package io.dgm4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads a numeric CSV table (a user's own tabular data) into a {@link Dataset} with item shape
 * {@code [columns]} and no labels.
 *
 * <p>Format: comma-separated cells, one example per line. Lines that are blank or whose first
 * non-blank character is {@code #} are ignored. The first remaining line is a header (and
 * skipped) when none of its cells is a number; otherwise it is data. Every data row must have
 * as many cells as the first one. Cells are decimal numbers ({@code 3}, {@code -0.5},
 * {@code 1e-3}); NaN, infinities, empty and non-numeric cells are errors reported as
 * {@code file: line L, column C: problem}.
 */
public final class CsvReader {
  private CsvReader() {}

  /** Reads the whole table; see the class comment for the format. */
  public static Dataset read(Path file) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(file, in);
    } catch (NoSuchFileException e) {
      throw new DataException(file, "file not found");
    } catch (IOException e) {
      throw new DataException(file, "cannot read: " + e, e);
    }
  }

  private static Dataset parse(Path file, BufferedReader in) throws IOException {
    float[] values = new float[1024];
    int count = 0;
    int rows = 0;
    int columns = -1;
    int firstDataLine = 0;
    boolean headerSeen = false;
    boolean anyLine = false;
    int lineNumber = 0;
    for (String line; (line = in.readLine()) != null; ) {
      lineNumber++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] cells = trimmed.split(",", -1);
      if (!anyLine) {
        anyLine = true;
        if (Arrays.stream(cells).noneMatch(CsvReader::looksNumeric)) {
          headerSeen = true;
          continue;
        }
      }
      if (columns < 0) {
        columns = cells.length;
        firstDataLine = lineNumber;
      } else if (cells.length != columns) {
        throw new DataException(file, "line " + lineNumber + " has " + cells.length
            + " columns, expected " + columns + " (as on line " + firstDataLine + ")");
      }
      if (count + columns > values.length) {
        values = Arrays.copyOf(values, Math.max(values.length * 2, count + columns));
      }
      for (int c = 0; c < columns; c++) {
        values[count++] = parseCell(file, lineNumber, c + 1, cells[c].strip());
      }
      rows++;
    }
    if (!anyLine) {
      throw new DataException(file, "empty file: no data rows (only blank or # comment lines)");
    }
    if (rows == 0) {
      throw new DataException(file, "no data rows" + (headerSeen ? " after the header" : ""));
    }
    return new Dataset(file.getFileName().toString(), Arrays.copyOf(values, count), rows,
        new int[] {columns}, null);
  }

  private static float parseCell(Path file, int line, int column, String cell) {
    String where = "line " + line + ", column " + column + ": ";
    if (cell.isEmpty()) {
      throw new DataException(file, where + "empty cell");
    }
    if (isNonFiniteWord(cell)) {
      throw new DataException(file, where + "non-finite value '" + cell + "'");
    }
    if (!isDecimal(cell)) {
      throw new DataException(file, where + "not a number: '" + cell + "'");
    }
    float v = (float) Double.parseDouble(cell);
    if (!Float.isFinite(v)) {
      throw new DataException(file, where + "value '" + cell + "' overflows a float");
    }
    return v;
  }

  /** A number, or a spelling of NaN/infinity (so a row of NaNs is reported, not taken as a header). */
  private static boolean looksNumeric(String cell) {
    String c = cell.strip();
    return isNonFiniteWord(c) || isDecimal(c);
  }

  private static boolean isNonFiniteWord(String cell) {
    String c = cell.toLowerCase(Locale.ROOT);
    if (c.startsWith("+") || c.startsWith("-")) {
      c = c.substring(1);
    }
    return c.equals("nan") || c.equals("inf") || c.equals("infinity");
  }

  /** Plain decimal notation: sign, digits, optional point and fraction, optional exponent. */
  private static boolean isDecimal(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && isAsciiDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isAsciiDigit(s.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exponentDigits = 0;
      while (i < n && isAsciiDigit(s.charAt(i))) {
        i++;
        exponentDigits++;
      }
      if (exponentDigits == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
