import java.io.File;
import java.lang.reflect.Proxy;
import java.util.List;
import org.omegat.core.Core;
import org.omegat.core.data.IProject;
import org.omegat.core.data.ProjectProperties;
import org.omegat.gui.glossary.GlossaryEntry;
import org.omegat.gui.glossary.GlossaryReaderTBX;

/*
 * Read TBX files with OmegaT's own glossary reader (GlossaryReaderTBX, as OmegaT 3.6
 * loads a project's glossary), in a stand-in project en -> args[0]; print the number of
 * entries it makes (one per source term and target term of an entry) or its error.
 */
public class ReadTbx {
    public static void main(String[] args) throws Exception {
        final ProjectProperties props = new ProjectProperties(new File(System.getProperty("java.io.tmpdir")));
        props.setSourceLanguage("en");
        props.setTargetLanguage(args[0]);
        IProject p = (IProject) Proxy.newProxyInstance(IProject.class.getClassLoader(),
            new Class<?>[] {IProject.class}, (proxy, m, a) -> {
                if (m.getName().equals("getProjectProperties")) return props;
                if (m.getName().equals("isProjectLoaded")) return true;
                return null;
            });
        Core.setProject(p);
        for (int k = 1; k < args.length; k++) {
            String a = args[k];
            try {
                List<GlossaryEntry> l = GlossaryReaderTBX.read(new File(a), false);
                System.out.println(new File(a).getName() + ": " + l.size() + " entries (en -> " + args[0] + ")");
                for (int i = 0; i < Math.min(2, l.size()); i++)
                    System.out.println("  " + l.get(i).getSrcText() + " -> " + l.get(i).getLocText());
            } catch (Throwable e) {
                String msg = String.valueOf(e.getMessage());
                System.out.println(new File(a).getName() + ": " + e.getClass().getName() + ": " + msg.substring(0, Math.min(90, msg.length())));
            }
        }
    }
}
