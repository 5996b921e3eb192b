#include "servicespane.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "engineclient.h"
#include "proxy/proxy.h"
#include "servicemodel.h"
#include "widgets.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

ServicesPane::ServicesPane(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_ctx(context)
{
    auto *layout = new QVBoxLayout(this);
    m_splitter = new QSplitter(Qt::Horizontal, this);
    layout->addWidget(m_splitter);

    m_view = makeTable(m_splitter);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setModel(m_ctx.services);
    enableSorting(m_view);
    m_view->setAccessibleName(tr("Services"));
    m_view->setColumnWidth(ServiceModel::UniqueNameColumn, 180);
    m_view->setColumnWidth(ServiceModel::SidColumn, 280);
    m_splitter->addWidget(m_view);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ServicesPane::handleCurrentChanged);
    connect(m_ctx.services, &QAbstractItemModel::dataChanged, this, &ServicesPane::handleCurrentChanged);
    connect(m_view, &QWidget::customContextMenuRequested, this, &ServicesPane::showContextMenu);

    auto *formBox = new QGroupBox(tr("Service"), m_splitter);
    auto *formLayout = new QVBoxLayout(formBox);
    auto *form = new QFormLayout;
    m_uniqueName = new QLineEdit(formBox);
    m_uniqueName->setMaxLength(191);
    m_uniqueName->setPlaceholderText(tr("required, unique in the account"));
    m_sid = new QLineEdit(formBox);
    m_sid->setReadOnly(true);
    m_sid->setPlaceholderText(tr("assigned when created"));
    m_defaultTtl = new QSpinBox(formBox);
    m_defaultTtl->setRange(0, 2147483646);
    m_defaultTtl->setSuffix(tr(" s"));
    m_defaultTtl->setSpecialValueText(tr("none (sessions do not time out)"));
    m_defaultTtl->setToolTip(tr("Seconds a session stays open after its last interaction, unless the session sets "
                                "its own Ttl"));
    m_geoMatch = new QComboBox(formBox);
    m_geoMatch->addItems({u"country"_s, u"area-code"_s, u"extended-area-code"_s, u"overlay"_s, u"radius"_s});
    m_numberSelection = new QComboBox(formBox);
    m_numberSelection->addItems({u"prefer-sticky"_s, u"avoid-sticky"_s});
    m_callbackUrl = new QLineEdit(formBox);
    m_callbackUrl->setPlaceholderText(u"https://example.com/proxy/status"_s);
    m_interceptUrl = new QLineEdit(formBox);
    m_interceptUrl->setPlaceholderText(u"https://example.com/proxy/intercept"_s);
    m_outOfSessionUrl = new QLineEdit(formBox);
    m_outOfSessionUrl->setPlaceholderText(u"https://example.com/proxy/out-of-session"_s);
    m_chatInstance = new QLineEdit(formBox);
    m_chatInstance->setPlaceholderText(tr("IS… (optional)"));
    m_mxInsertOne = new QCheckBox(tr("Insert Mexico's mobile '1'"), formBox);
    m_arInsertNine = new QCheckBox(tr("Insert Argentina's '9' for voice"), formBox);
    form->addRow(tr("&Unique name:"), m_uniqueName);
    form->addRow(tr("SID:"), m_sid);
    form->addRow(tr("Default &TTL:"), m_defaultTtl);
    form->addRow(tr("&Geo match level:"), m_geoMatch);
    form->addRow(tr("&Number selection:"), m_numberSelection);
    form->addRow(tr("&Callback URL:"), m_callbackUrl);
    form->addRow(tr("&Intercept callback URL:"), m_interceptUrl);
    form->addRow(tr("&Out-of-session callback URL:"), m_outOfSessionUrl);
    form->addRow(tr("Chat instance SID:"), m_chatInstance);
    form->addRow(QString(), m_mxInsertOne);
    form->addRow(QString(), m_arInsertNine);
    formLayout->addLayout(form);
    m_banner = new MessageBanner(formBox);
    formLayout->addWidget(m_banner);
    auto *buttons = new QHBoxLayout;
    auto *create = new QPushButton(tr("&New service"), formBox);
    m_save = new QPushButton(tr("&Create"), formBox);
    m_save->setDefault(true);
    m_delete = new QPushButton(tr("&Delete…"), formBox);
    buttons->addWidget(create);
    buttons->addStretch();
    buttons->addWidget(m_delete);
    buttons->addWidget(m_save);
    formLayout->addLayout(buttons);
    formLayout->addStretch();
    m_splitter->addWidget(formBox);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    connect(create, &QPushButton::clicked, this, &ServicesPane::newService);
    connect(m_save, &QPushButton::clicked, this, &ServicesPane::saveService);
    connect(m_delete, &QPushButton::clicked, this, &ServicesPane::deleteService);
    connect(m_uniqueName, &QLineEdit::returnPressed, this, &ServicesPane::saveService);
    loadForm(nullptr);
}

QString ServicesPane::selectedSid() const
{
    return currentSid(m_view);
}

void ServicesPane::saveState(QSettings &settings) const
{
    saveViewState(settings, u"services"_s, m_view);
    saveSplitterState(settings, u"services"_s, m_splitter);
}

void ServicesPane::restoreState(QSettings &settings)
{
    restoreViewState(settings, u"services"_s, m_view);
    restoreSplitterState(settings, u"services"_s, m_splitter);
}

void ServicesPane::handleCurrentChanged()
{
    const QModelIndex current = m_view->currentIndex();
    const Service *s = current.isValid() ? m_ctx.services->rowAt(current.row()) : nullptr;
    if (s && s->sid == m_editingSid && sender() == m_ctx.services) {
        // The row under the form was updated (by this form's Save, the REST API or another node). Show the stored
        // values unless the operator is part-way through an edit: never throw away what they typed.
        if (formSnapshot() == m_loadedSnapshot) {
            loadForm(s);
            return;
        }
        const QVariantList stored = snapshotOf(*s);
        if (stored == m_knownStored) {
            return; // nothing new (e.g. the re-read after a refused Save): keep what the banner says
        }
        m_knownStored = stored;
        followUntouched(stored);
        const QVariantList mine = formSnapshot();
        QList<int> both;
        for (int f = 0; f < mine.size(); ++f) {
            if (mine.at(f) != m_loadedSnapshot.at(f) && stored.at(f) != m_loadedSnapshot.at(f) &&
                stored.at(f) != mine.at(f)) {
                both.append(f);
            }
        }
        if (!both.isEmpty()) {
            showConflicts(both, stored);
        }
        m_banner->showWarning(
            both.isEmpty()
                ? tr("%1 was changed elsewhere while you were editing it. Save sends only the fields you changed, so "
                     "the other changes are kept.")
                      .arg(s->uniqueName)
                : tr("%1 was changed elsewhere while you were editing it, in %n field(s) you changed too (marked). "
                     "Save keeps the other changes; the marked fields need your decision.",
                     "", int(both.size()))
                      .arg(s->uniqueName));
        return;
    }
    if (sender() == m_ctx.services) {
        return;
    }
    loadForm(s);
}

void ServicesPane::loadForm(const Service *s)
{
    const QString sid = s ? s->sid : QString();
    if (sid != m_editingSid || sid.isEmpty()) {
        m_banner->clearMessage();
    }
    clearConflicts();
    m_editingSid = sid;
    m_uniqueName->setText(s ? s->uniqueName : QString());
    m_sid->setText(s ? s->sid : QString());
    m_defaultTtl->setValue(s ? int(std::min<qint64>(s->defaultTtl, 2147483646)) : 0);
    m_geoMatch->setCurrentText(s ? s->geoMatchLevel : u"country"_s);
    m_numberSelection->setCurrentText(s ? s->numberSelectionBehavior : u"prefer-sticky"_s);
    m_callbackUrl->setText(s ? s->callbackUrl : QString());
    m_interceptUrl->setText(s ? s->interceptCallbackUrl : QString());
    m_outOfSessionUrl->setText(s ? s->outOfSessionCallbackUrl : QString());
    m_chatInstance->setText(s ? s->chatInstanceSid : QString());
    m_mxInsertOne->setChecked(s && s->mxInsertOne);
    m_arInsertNine->setChecked(s && s->arInsertNine);
    m_save->setText(s ? tr("&Save") : tr("&Create"));
    m_delete->setEnabled(s != nullptr);
    m_loadedSnapshot = formSnapshot();
    m_knownStored = s ? snapshotOf(*s) : QVariantList();
}

namespace {
enum Field
{
    UniqueNameField,
    DefaultTtlField,
    GeoMatchField,
    NumberSelectionField,
    CallbackUrlField,
    InterceptUrlField,
    OutOfSessionUrlField,
    ChatInstanceField,
    MxInsertOneField,
    ArInsertNineField,
    FIELD_COUNT
};

QString shown(const QVariant &value)
{
    if (value.typeId() == QMetaType::Bool) {
        return value.toBool() ? ServicesPane::tr("on") : ServicesPane::tr("off");
    }
    const QString text = value.toString();
    return text.isEmpty() ? ServicesPane::tr("(empty)") : text;
}
} // namespace

QVariantList ServicesPane::formSnapshot() const
{
    return {m_uniqueName->text().trimmed(),      m_defaultTtl->value(),
            m_geoMatch->currentText(),           m_numberSelection->currentText(),
            m_callbackUrl->text().trimmed(),     m_interceptUrl->text().trimmed(),
            m_outOfSessionUrl->text().trimmed(), m_chatInstance->text().trimmed(),
            m_mxInsertOne->isChecked(),          m_arInsertNine->isChecked()};
}

QVariantList ServicesPane::snapshotOf(const Service &s)
{
    return {s.uniqueName,
            int(std::min<qint64>(s.defaultTtl, 2147483646)),
            s.geoMatchLevel,
            s.numberSelectionBehavior,
            s.callbackUrl,
            s.interceptCallbackUrl,
            s.outOfSessionCallbackUrl,
            s.chatInstanceSid,
            s.mxInsertOne,
            s.arInsertNine};
}

QStringList ServicesPane::fieldNames()
{
    return {tr("Unique name"),
            tr("Default TTL"),
            tr("Geo match level"),
            tr("Number selection"),
            tr("Callback URL"),
            tr("Intercept callback URL"),
            tr("Out-of-session callback URL"),
            tr("Chat instance SID"),
            tr("Insert Mexico's mobile '1'"),
            tr("Insert Argentina's '9' for voice")};
}

QList<QWidget *> ServicesPane::fieldWidgets() const
{
    return {m_uniqueName,   m_defaultTtl,      m_geoMatch,     m_numberSelection, m_callbackUrl,
            m_interceptUrl, m_outOfSessionUrl, m_chatInstance, m_mxInsertOne,     m_arInsertNine};
}

ServiceParams ServicesPane::changedParams(const QVariantList &base) const
{
    const QVariantList mine = formSnapshot();
    auto changed = [&](int f) {
        return f >= base.size() || mine.at(f) != base.at(f);
    };
    ServiceParams p;
    if (changed(UniqueNameField)) {
        p.uniqueName = mine.at(UniqueNameField).toString();
    }
    if (changed(DefaultTtlField)) {
        p.defaultTtl = mine.at(DefaultTtlField).toLongLong();
    }
    if (changed(GeoMatchField)) {
        p.geoMatchLevel = mine.at(GeoMatchField).toString();
    }
    if (changed(NumberSelectionField)) {
        p.numberSelectionBehavior = mine.at(NumberSelectionField).toString();
    }
    if (changed(CallbackUrlField)) {
        p.callbackUrl = mine.at(CallbackUrlField).toString();
    }
    if (changed(InterceptUrlField)) {
        p.interceptCallbackUrl = mine.at(InterceptUrlField).toString();
    }
    if (changed(OutOfSessionUrlField)) {
        p.outOfSessionCallbackUrl = mine.at(OutOfSessionUrlField).toString();
    }
    if (changed(ChatInstanceField)) {
        p.chatInstanceSid = mine.at(ChatInstanceField).toString();
    }
    if (changed(MxInsertOneField)) {
        p.mxInsertOne = mine.at(MxInsertOneField).toBool();
    }
    if (changed(ArInsertNineField)) {
        p.arInsertNine = mine.at(ArInsertNineField).toBool();
    }
    return p;
}

void ServicesPane::followUntouched(const QVariantList &stored)
{
    // A field the operator has not touched shows what is stored now; only their own edits wait for Save.
    const QVariantList mine = formSnapshot();
    for (int f = 0; f < FIELD_COUNT; ++f) {
        if (mine.value(f) != m_loadedSnapshot.value(f) || stored.value(f) == m_loadedSnapshot.value(f)) {
            continue;
        }
        const QVariant v = stored.value(f);
        switch (Field(f)) {
        case UniqueNameField:
            m_uniqueName->setText(v.toString());
            break;
        case DefaultTtlField:
            m_defaultTtl->setValue(v.toInt());
            break;
        case GeoMatchField:
            m_geoMatch->setCurrentText(v.toString());
            break;
        case NumberSelectionField:
            m_numberSelection->setCurrentText(v.toString());
            break;
        case CallbackUrlField:
            m_callbackUrl->setText(v.toString());
            break;
        case InterceptUrlField:
            m_interceptUrl->setText(v.toString());
            break;
        case OutOfSessionUrlField:
            m_outOfSessionUrl->setText(v.toString());
            break;
        case ChatInstanceField:
            m_chatInstance->setText(v.toString());
            break;
        case MxInsertOneField:
            m_mxInsertOne->setChecked(v.toBool());
            break;
        case ArInsertNineField:
            m_arInsertNine->setChecked(v.toBool());
            break;
        case FIELD_COUNT:
            break;
        }
        m_loadedSnapshot[f] = formSnapshot().value(f);
    }
}

void ServicesPane::showConflicts(const QList<int> &fields, const QVariantList &stored)
{
    clearConflicts();
    m_conflicts = fields;
    const QList<QWidget *> widgets = fieldWidgets();
    const QVariantList mine = formSnapshot();
    for (int f : fields) {
        QWidget *w = widgets.value(f);
        if (!w) {
            continue;
        }
        // The warning colour of the banners (widgets.cpp), on the field itself.
        w->setStyleSheet(qobject_cast<QCheckBox *>(w) ? u"color: #9a5b00; font-weight: bold"_s
                                                      : u"background-color: #fff3cd; color: #5c3c00"_s);
        w->setToolTip(tr("Changed elsewhere to: %1\nYours: %2\nWhen the form was loaded: %3")
                          .arg(shown(stored.value(f)), shown(mine.value(f)), shown(m_loadedSnapshot.value(f))));
    }
}

void ServicesPane::clearConflicts()
{
    const QList<QWidget *> widgets = fieldWidgets();
    for (int f : std::as_const(m_conflicts)) {
        if (QWidget *w = widgets.value(f)) {
            w->setStyleSheet(QString());
            w->setToolTip(QString());
        }
    }
    m_conflicts.clear();
}

void ServicesPane::newService()
{
    m_view->selectionModel()->clearSelection();
    m_view->setCurrentIndex({});
    loadForm(nullptr);
    m_uniqueName->setFocus();
}

void ServicesPane::saveService()
{
    m_banner->clearMessage();
    if (m_editingSid.isEmpty()) {
        const ServiceParams params = changedParams({}); // every field
        m_ctx.engine->createService(params, this, [this](Result<Service> r) {
            if (!r) {
                m_banner->showError(EngineClient::describe(r.error()));
                return;
            }
            m_editingSid = r->sid;
            m_banner->showInfo(tr("Created %1 (%2).").arg(r->uniqueName, r->sid));
            selectService(r->sid);
        });
        return;
    }
    const QVariantList base = m_loadedSnapshot;
    const QVariantList mine = formSnapshot();
    QList<int> changed;
    for (int f = 0; f < FIELD_COUNT; ++f) {
        if (mine.value(f) != base.value(f)) {
            changed.append(f);
        }
    }
    if (changed.isEmpty()) {
        m_banner->showInfo(tr("Nothing to save: the form shows the stored values."));
        return;
    }
    struct Outcome
    {
        Service service;      // the stored Service: after the update, or as found on a conflict
        QList<int> conflicts; // fields changed both here and in the store since the form was loaded
    };
    const ServiceParams params = changedParams(base);
    // Compare and write in one job on the engine thread: nothing else writes between the check and the update.
    m_ctx.engine->call(
        this,
        [sid = m_editingSid, params, base, mine, changed](Proxy &p, const QString &account) -> Result<Outcome> {
            Result<Service> stored = p.fetchService(account, sid);
            if (!stored) {
                return stored.error();
            }
            const QVariantList now = snapshotOf(*stored);
            Outcome outcome;
            for (int f : changed) {
                if (now.at(f) != base.at(f) && now.at(f) != mine.at(f)) {
                    outcome.conflicts.append(f);
                }
            }
            if (!outcome.conflicts.isEmpty()) {
                outcome.service = *stored;
                return outcome;
            }
            Result<Service> updated = p.updateService(account, sid, params);
            if (!updated) {
                return updated.error();
            }
            outcome.service = *updated;
            return outcome;
        },
        [this, sid = m_editingSid, saved = mine](Result<Outcome> r) {
            if (!r) {
                m_banner->showError(EngineClient::describe(r.error()));
                return;
            }
            if (m_editingSid != sid) {
                return; // the operator moved to another Service meanwhile
            }
            if (!r->conflicts.isEmpty()) {
                const QVariantList stored = snapshotOf(r->service);
                const QStringList names = fieldNames();
                QStringList lines;
                for (int f : std::as_const(r->conflicts)) {
                    lines.append(tr("%1: stored %2, yours %3")
                                     .arg(names.value(f), shown(stored.value(f)), shown(saved.value(f))));
                }
                followUntouched(stored);
                showConflicts(r->conflicts, stored);
                m_knownStored = stored;
                // The next Save compares against what is stored now: it writes the operator's values over these.
                for (int f : std::as_const(r->conflicts)) {
                    m_loadedSnapshot[f] = stored.value(f);
                }
                m_banner->showWarning(tr("Not saved: %1 was changed elsewhere since you opened it — %2. Press Save "
                                         "again to write your values over these, or select the Service again to "
                                         "see the stored ones.")
                                          .arg(r->service.uniqueName, lines.join(u"; "_s)));
                return;
            }
            clearConflicts();
            loadForm(&r->service); // what is stored now, including changes made elsewhere to other fields
            m_banner->showInfo(tr("Saved %1.").arg(r->service.uniqueName));
        });
}

void ServicesPane::deleteService()
{
    if (m_editingSid.isEmpty()) {
        return;
    }
    const QString sid = m_editingSid;
    const QString name = m_uniqueName->text();
    m_banner->clearMessage();
    // Count first, so the question says what the deletion ends.
    m_ctx.services->countActiveSessions(sid, this, [this, sid, name](Result<qint64> active) {
        if (m_editingSid != sid) {
            return; // the operator moved on while the count was read
        }
        const QString ends = !active ? tr("Its active sessions end with it.")
                             : *active == 0
                                 ? tr("It has no active session.")
                                 : tr("It ends %n active session(s): their participants stop reaching each other "
                                      "at once.",
                                      "", int(*active));
        confirmDelete(sid, name, ends);
    });
}

void ServicesPane::confirmDelete(const QString &sid, const QString &name, const QString &ends)
{
    const auto answer = QMessageBox::question(
        this, tr("Delete service"),
        tr("Delete the service %1 (%2)?\n\n%3\n\nIts numbers go back to no pool, and every session, participant "
           "and interaction in it is deleted. This cannot be undone.")
            .arg(name, sid, ends),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes) {
        return;
    }
    m_ctx.engine->deleteService(sid, this, [this, name](Status st) {
        if (!st) {
            m_banner->showError(EngineClient::describe(st.error()));
            return;
        }
        loadForm(nullptr);
        m_banner->showInfo(tr("Deleted %1.").arg(name));
    });
}

void ServicesPane::selectService(const QString &sid)
{
    const QModelIndex i = m_ctx.services->indexOfSid(sid);
    if (i.isValid()) {
        m_view->setCurrentIndex(i);
        m_view->selectRow(i.row());
        return;
    }
    // Not loaded yet (the change is still being re-read): select it when it arrives.
    auto *conn = new QMetaObject::Connection;
    *conn = connect(m_ctx.services, &QAbstractItemModel::rowsInserted, this, [this, sid, conn]() {
        const QModelIndex found = m_ctx.services->indexOfSid(sid);
        if (found.isValid()) {
            disconnect(*conn);
            delete conn;
            m_view->setCurrentIndex(found);
            m_view->selectRow(found.row());
        }
    });
}

void ServicesPane::showContextMenu(const QPoint &pos)
{
    const QModelIndex i = m_view->indexAt(pos);
    QMenu menu(this);
    if (i.isValid()) {
        const QString sid = i.siblingAtColumn(0).data(SidRole).toString();
        menu.addAction(tr("Copy SID"), this, [sid]() { QApplication::clipboard()->setText(sid); });
        menu.addAction(tr("Delete…"), this, &ServicesPane::deleteService);
        menu.addSeparator();
    }
    menu.addAction(tr("New service"), this, &ServicesPane::newService);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

} // namespace Maskline
