using Bitrix.Generator.Model;

namespace Bitrix.Generator.Emit;

/// <summary>
/// Writes one entity's file, in this order: the row record (<see cref="RecordEmitter"/>, with the
/// field references and filter fields of <see cref="QueryBuilderEmitter"/> nested in it), the write
/// type (also <see cref="QueryBuilderEmitter"/>), and the API class's methods (<see cref="ApiEmitter"/>).
/// </summary>
internal static class EntityEmitter
{
    public static string HintName(EntitySpec entity) => entity.Name + ".g.cs";

    public static string Emit(EntitySpec entity, GeneratorSettings settings)
    {
        var w = new SourceWriter();
        w.Lines(SourceWriter.Header);
        w.Open("namespace Bitrix");
        RecordEmitter.Write(w, entity, settings);
        w.Line();
        QueryBuilderEmitter.WriteFieldsClass(w, entity, settings);
        if (entity.Methods.Count > 0 && entity.Path.Count > 0)
        {
            w.Line();
            ApiEmitter.Write(w, entity);
        }

        w.Close();
        return w.ToString();
    }
}
