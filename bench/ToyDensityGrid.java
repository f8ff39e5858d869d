import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/**
 * One picture of the 2-D toy benchmark: for each objective (rows) and toy (columns) the learned
 * density panel of its run's density.png, with the data in the first row.
 * Run: java bench/ToyDensityGrid.java RUNS_DIR OUT.png obj1,obj2,... toy1,toy2,...
 * (RUNS_DIR/TOY/OBJECTIVE/density.png, written by dgm train / dgm eval).
 */
public class ToyDensityGrid {
  public static void main(String[] args) throws Exception {
    File root = new File(args[0]);
    String[] objectives = args[2].split(",");
    String[] toys = args[3].split(",");
    int tile = 150;
    int label = 110;
    int head = 18;
    BufferedImage out = new BufferedImage(label + tile * toys.length,
        head + tile * (objectives.length + 1), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(Color.BLACK);
    for (int t = 0; t < toys.length; t++) {
      g.drawString(toys[t], label + t * tile + 4, 13);
    }
    for (int r = 0; r <= objectives.length; r++) {
      String name = r == 0 ? "data" : objectives[r - 1];
      g.setColor(Color.BLACK);
      g.drawString(name, 4, head + r * tile + tile / 2);
      for (int t = 0; t < toys.length; t++) {
        // the data panel from the first objective's picture that exists
        String objective = r == 0 ? null : objectives[r - 1];
        File f = null;
        for (String o : r == 0 ? objectives : new String[] {objective}) {
          File candidate = new File(root, toys[t] + "/" + o + "/density.png");
          if (candidate.exists()) {
            f = candidate;
            break;
          }
        }
        if (f == null) {
          g.setColor(Color.LIGHT_GRAY);
          g.fillRect(label + t * tile, head + r * tile, tile - 1, tile - 1);
          continue;
        }
        BufferedImage d = ImageIO.read(f);
        int size = d.getHeight() - 22; // panels are size x size below a 22-pixel title
        int x0 = r == 0 ? 0 : size;
        g.drawImage(d, label + t * tile, head + r * tile, label + (t + 1) * tile - 1,
            head + (r + 1) * tile - 1, x0, 22, x0 + size, 22 + size, null);
      }
    }
    g.dispose();
    ImageIO.write(out, "png", new File(args[1]));
  }
}
