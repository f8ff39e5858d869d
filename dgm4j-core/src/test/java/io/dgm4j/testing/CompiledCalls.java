package io.dgm4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Finds method calls in dgm4j-core's compiled classes (main and tests), for tests that forbid a
 * library call whose misuse cannot be seen in results until it bites (a freed scalar, a graph
 * cut by a copy).
 */
public final class CompiledCalls {
  private CompiledCalls() {}

  /** A call site: the calling class (dotted name) and method, and the called method. */
  public record Call(String caller, String callerMethod, String owner, String name,
      String descriptor) {
    @Override
    public String toString() {
      return caller + "." + callerMethod + " calls " + owner.replace('/', '.') + "." + name
          + descriptor;
    }
  }

  /** Every call in the compiled main and test classes of dgm4j-core that {@code wanted} accepts. */
  public static List<Call> find(java.util.function.Predicate<Call> wanted) {
    List<Call> found = new ArrayList<>();
    try {
      for (Class<?> anchor : new Class<?>[] {io.dgm4j.engine.Scalars.class,
          CompiledCalls.class}) { // main, tests
        scan(Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI()),
            wanted, found);
      }
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot read the compiled classes", e);
    }
    return found;
  }

  private static void scan(Path classes, java.util.function.Predicate<Call> wanted,
      List<Call> found) throws IOException {
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
        try (InputStream in = Files.newInputStream(file)) {
          new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
            private String owner;

            @Override
            public void visit(int version, int access, String name, String signature,
                String superName, String[] interfaces) {
              owner = name.replace('/', '.');
            }

            @Override
            public MethodVisitor visitMethod(int access, String method, String descriptor,
                String signature, String[] exceptions) {
              return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitMethodInsn(int opcode, String target, String name,
                    String desc, boolean isInterface) {
                  Call call = new Call(owner, method, target, name, desc);
                  if (wanted.test(call)) {
                    found.add(call);
                  }
                }
              };
            }
          }, ClassReader.SKIP_DEBUG);
        }
      }
    }
  }
}
