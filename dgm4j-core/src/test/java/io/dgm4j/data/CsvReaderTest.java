package io.dgm4j.data;

import static io.dgm4j.data.IdxReaderTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
  @TempDir Path dir;

  @Test
  void readsHeaderCommentsAndBlankLines() throws IOException {
    Path f = csv("t.csv", "# my data\n\nx, y ,z\n1,2,3\n  # note\n-4.5, 1e-3 ,+6\n\n");
    Dataset d = CsvReader.read(f);
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.itemShape()).containsExactly(3);
    assertThat(d.values()).containsExactly(1, 2, 3, -4.5f, 1e-3f, 6);
    assertThat(d.hasLabels()).isFalse();
  }

  @Test
  void numericFirstRowIsData() throws IOException {
    Dataset d = CsvReader.read(csv("n.csv", "1,2\n3,4\n"));
    assertThat(d.size()).isEqualTo(2);
  }

  @Test
  void raggedRowNamesLineAndCounts() throws IOException {
    Path f = csv("r.csv", "a,b,c\n1,2,3\n4,5\n");
    assertThat(message(() -> CsvReader.read(f)))
        .isEqualTo(f + ": line 3 has 2 columns, expected 3 (as on line 2)");
  }

  @Test
  void nonFiniteAndNonNumericCellsNameLineAndColumn() throws IOException {
    Path nan = csv("nan.csv", "1,2\n3,NaN\n");
    assertThat(message(() -> CsvReader.read(nan)))
        .isEqualTo(nan + ": line 2, column 2: non-finite value 'NaN'");
    Path inf = csv("inf.csv", "# c\n1,-Infinity\n");
    assertThat(message(() -> CsvReader.read(inf))).contains("line 2, column 2: non-finite");
    Path text = csv("text.csv", "1,2\n3,abc\n");
    assertThat(message(() -> CsvReader.read(text)))
        .isEqualTo(text + ": line 2, column 2: not a number: 'abc'");
    Path empty = csv("cell.csv", "1,,2\n");
    assertThat(message(() -> CsvReader.read(empty))).contains("line 1, column 2: empty cell");
    Path huge = csv("huge.csv", "1e39\n");
    assertThat(message(() -> CsvReader.read(huge))).contains("overflows a float");
    Path suffix = csv("suffix.csv", "1,2f\n");
    assertThat(message(() -> CsvReader.read(suffix))).contains("not a number: '2f'");
  }

  @Test
  void rowOfNansIsReportedNotTakenAsHeader() throws IOException {
    Path f = csv("nans.csv", "NaN,nan\n1,2\n");
    assertThat(message(() -> CsvReader.read(f))).contains("line 1, column 1: non-finite");
  }

  @Test
  void emptyFilesAndHeaderOnly() throws IOException {
    Path empty = csv("empty.csv", "");
    assertThat(message(() -> CsvReader.read(empty))).startsWith(empty + ": empty file");
    Path comments = csv("comments.csv", "# nothing\n\n");
    assertThat(message(() -> CsvReader.read(comments))).startsWith(comments + ": empty file");
    Path header = csv("header.csv", "a,b\n");
    assertThat(message(() -> CsvReader.read(header)))
        .isEqualTo(header + ": no data rows after the header");
    Path missing = dir.resolve("missing.csv");
    assertThat(message(() -> CsvReader.read(missing))).isEqualTo(missing + ": file not found");
  }

  private Path csv(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }
}
