using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Methods;

/// <summary>
/// <c>task.commentitem.add</c> and <c>task.commentitem.getlist</c>: legacy methods with positional
/// parameters (<c>0=TASKID&amp;1[POST_MESSAGE]=...</c>, or a JSON list body), also accepted by name.
/// </summary>
internal static class TaskCommentMethods
{
    public static void Register(MethodRegistry registry)
    {
        registry.Add("task.commentitem.add", Add);
        registry.Add("task.commentitem.getlist", GetList);
    }

    private static JsonNode Add(CallContext context)
    {
        var taskId = TaskId(context);
        var fields = JsonValues.AsObject(context.Params["1"] ?? context.Params["FIELDS"]);
        var message = fields is null ? null : new RequestParams(fields).GetString("POST_MESSAGE");
        if (string.IsNullOrWhiteSpace(message))
        {
            throw PortalError.Core("Comment text (POST_MESSAGE) is empty.");
        }

        var author = (fields is null ? null : new RequestParams(fields).GetLong("AUTHOR_ID")) ?? context.Portal.WebhookUserId;
        var id = context.Data.NextTaskCommentId++;
        if (!context.Data.TaskComments.TryGetValue(taskId, out var comments))
        {
            comments = [];
            context.Data.TaskComments[taskId] = comments;
        }

        comments.Add(new JsonObject
        {
            ["ID"] = id.ToString(CultureInfo.InvariantCulture),
            ["AUTHOR_ID"] = author.ToString(CultureInfo.InvariantCulture),
            ["POST_MESSAGE"] = message,
            ["POST_DATE"] = SeedData.FormatDateTime(context.Now),
        });
        return id;
    }

    private static JsonNode GetList(CallContext context)
    {
        var taskId = TaskId(context);
        var list = new JsonArray();
        foreach (var comment in context.Data.TaskComments.GetValueOrDefault(taskId) ?? [])
        {
            list.Add(comment.DeepClone());
        }

        return list;
    }

    private static long TaskId(CallContext context)
    {
        var id = context.Params.GetLong("0") ?? context.Params.GetLong("TASKID");
        if (id is not { } taskId || context.Data.Tasks.Find(taskId) is null)
        {
            throw PortalError.Core("Task not found or not accessible.");
        }

        return taskId;
    }
}
